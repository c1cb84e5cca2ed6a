import { z } from 'zod';

// zod compiles fast parsers with `new Function` unless told not to; the page's CSP forbids eval, so it
// would only log a violation and fall back. Say so up front instead.
z.config({ jitless: true });
