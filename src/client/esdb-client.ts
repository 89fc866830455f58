/**
 * The client: one connection to an EventStoreDB / KurrentDB node, with the seed's methods and those the seed's
 * later versions added. The methods live in the facade's chain of classes (`facade/`), one concern per file;
 * this last link adds the management of persistent subscription groups.
 */
import { SubscriptionsClient } from './facade/subscriptions-client.js';

/**
 * A client of an EventStoreDB / KurrentDB node or cluster over gRPC. With several hosts in the connection string
 * (`esdb://h1:2113,h2:2113,h3:2113`) or `esdb+discover://`, it picks its node from the cluster's gossip by
 * `nodePreference`, and moves to another node when its node goes away or is not the leader (appends and reads
 * that have not yielded yet are then retried once there). One `esdb://` host is dialled directly.
 *
 * ```ts
 * const client = new EsdbClient({ uri: 'esdb://localhost:2113?tls=false' });
 * const commitPosition = await client.appendEvents({ streamName, expectedPosition: null, events: [event] });
 * for await (const recorded of client.readStreamEvents({ streamName })) console.log(recorded.type);
 * await client.close();
 * ```
 *
 * Every method takes `timeout` (milliseconds) and `signal` (an AbortSignal). Non-streaming calls have a
 * default deadline (`defaultDeadline`, 10 s); reads and subscriptions have none unless `timeout` is given. Bad
 * arguments throw a TypeError or RangeError before anything is sent.
 */
export class EsdbClient extends SubscriptionsClient {}
