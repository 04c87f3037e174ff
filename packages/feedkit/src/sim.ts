/** A running simulator: the URL a feed connects to, and how to stop it. */
export interface SimServer {
  /** e.g. `http://127.0.0.1:43123/uof-sports-server/socket.io/` or `ws://127.0.0.1:43124/zap/`. */
  url: string
  /** Closes the server and every connection to it; resolves once they are gone. */
  close(): Promise<void>
}
