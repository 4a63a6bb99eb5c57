import { KeyValueIncidentStore, MemoryBackend } from '../../core/store/keyvalue';
import { describeStoreContract } from '../helpers/store-contract';

// The same contract runs against Redis in test/system/redis-store.test.ts.
describeStoreContract('key-value (memory)', async () => new KeyValueIncidentStore(new MemoryBackend()));
