import type { Node } from 'node-red';
import type { Mode } from '../../core/integrations';
import type { IpLookupCredentials, IpLookupService } from '../../core/ip/service';

/** What an ir-ip-lookup-config node offers the ip-lookup nodes using it. */
export interface IpLookupConfigNode extends Node<IpLookupCredentials> {
  mode: Mode;
  /** The engine, once its files are loaded (never rejects: problems are in service.problems). */
  service(): Promise<IpLookupService>;
}
