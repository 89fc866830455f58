/** The address clients are told to dial (gossip `http_end_point`, §3.15). */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}
