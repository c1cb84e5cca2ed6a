import type { Server } from 'node:net';

/**
 * Listens and turns the usual failures into a message that says what to do. Resolves with the port
 * actually bound (the random one when 0 was asked).
 */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} is in use by another process; choose another port for the ${what} or stop that process`));
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new Error(`${host} is not an address of this machine; choose another address for the ${what}`));
      } else if (err.code === 'EACCES') {
        reject(new Error(`Not allowed to listen on ${host}:${port} for the ${what}; choose a port above 1023`));
      } else {
        reject(new Error(`Could not listen on ${host}:${port} for the ${what}: ${err.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
