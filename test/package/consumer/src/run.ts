// Runs one program per subpath and prints what each returned, as one JSON line.
import { main as aws } from './aws.js';
import { main as domain } from './domain.js';
import { main as jobs } from './jobs.js';
import { main as lambda } from './lambda.js';
import { main as worker } from './worker.js';

console.log(JSON.stringify({ domain: domain(), jobs: await jobs(), aws: await aws(), lambda: await lambda(), worker: await worker() }));
