import { z } from 'zod';
import { badRequest } from './envelope.ts';

const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(1000).default(10),
});

/**
 * PROTOCOL §1 paging: `page` from 1, `page_size` default 10; a page past the end is an empty list, which
 * is how clients know to stop.
 */
export function pageWindow(query: URLSearchParams): { start: number; size: number } {
  const parsed = PageQuery.safeParse({ page: query.get('page') ?? undefined, page_size: query.get('page_size') ?? undefined });
  if (!parsed.success) throw badRequest('page must be an integer from 1 and page_size an integer from 1 to 1000');
  const { page, page_size } = parsed.data;
  return { start: (page - 1) * page_size, size: page_size };
}

export function paginate<T>(items: T[], query: URLSearchParams): { count: number; list: T[] } {
  const { start, size } = pageWindow(query);
  return { count: items.length, list: items.slice(start, start + size) };
}
