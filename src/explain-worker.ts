// Worker thread of explain-region.ts: parses the regions it is sent, one at a time, in the order sent.
import { parentPort } from 'node:worker_threads';

import { parseRegion, type RegionAnswer, type RegionRequest } from './explain-region.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (request: RegionRequest) => {
    const bytes = new Uint8Array(request.memory, request.start, request.end - request.start);
    const answer: RegionAnswer = { id: request.id, parsed: parseRegion(bytes, request.options) };
    port.postMessage(answer);
  });
}
