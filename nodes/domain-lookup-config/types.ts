import type { Node } from 'node-red';
import type { Mode } from '../../core/integrations';
import type { DomainLookupCredentials, DomainLookupService } from '../../core/domain/service';

/** What an ir-domain-lookup-config node offers the domain-lookup nodes using it. */
export interface DomainLookupConfigNode extends Node<DomainLookupCredentials> {
  mode: Mode;
  /** One engine per config node: its caches, rate limits and quota brakes are shared. */
  service: DomainLookupService;
}
