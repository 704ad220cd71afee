/**
 * Seed 001's webhook written plainly, the way its README describes it: GetItem → already
 * finished? → SendTaskSuccess/Failure → UpdateItem. The benchmark's baseline for what Baton's
 * `runpod-webhook` costs per delivery. Not a product entry point, and deliberately unsafe:
 * concurrent deliveries can all pass the GetItem and all call Step Functions, and a Step
 * Functions outage answers 500 with nothing stored (RunPod gives up after two retries).
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';

const TABLE = process.env['CALLBACK_TABLE_NAME'];
if (!TABLE) throw new Error('CALLBACK_TABLE_NAME is required');
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
const level = LEVELS[(process.env['LOG_LEVEL'] ?? 'INFO').toUpperCase() as keyof typeof LEVELS] ?? LEVELS.INFO;

const dynamodb = new DynamoDBClient({});
const sfn = new SFNClient({});

interface Event {
  pathParameters?: Record<string, string | undefined> | null;
  body?: string | null;
}

function log(at: keyof typeof LEVELS, message: string): void {
  if (LEVELS[at] >= level) console.log(JSON.stringify({ level: at, message, timestamp: new Date().toISOString() }));
}

function reply(statusCode: number, body: Record<string, unknown>) {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export async function handler(event: Event) {
  const callbackToken = event.pathParameters?.['callback_token'];
  if (!callbackToken) return reply(400, { error: 'Missing callback_token' });
  let body: { id?: unknown; status?: unknown; output?: unknown; error?: unknown };
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    return reply(400, { error: 'Invalid JSON body' });
  }
  if (typeof body?.id !== 'string' || typeof body.status !== 'string') return reply(400, { error: 'Invalid request' });
  log('INFO', `Processing RunPod job ${body.id} with status ${body.status} for callback ${callbackToken}`);

  try {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { callback_token: { S: callbackToken } } }),
    );
    if (!Item) {
      log('WARN', `Callback token ${callbackToken} not found in DynamoDB`);
      return reply(404, { error: 'Callback token not found' });
    }
    const status = Item['status']?.S;
    if (status === 'COMPLETED' || status === 'FAILED') {
      log('INFO', `Callback ${callbackToken} already completed, returning success`);
      return reply(200, { status: 'already_completed' });
    }
    const taskToken = Item['task_token']?.S;
    const completed = body.status === 'COMPLETED';
    try {
      if (completed) {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(body.output ?? {}) }));
        log('INFO', `Sent TaskSuccess for job ${body.id}`);
      } else {
        const cause = typeof body.error === 'string' ? body.error : JSON.stringify(body.error ?? body.status);
        await sfn.send(new SendTaskFailureCommand({ taskToken, error: body.status, cause }));
        log('INFO', `Sent TaskFailure for job ${body.id}: ${cause}`);
      }
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist') {
        log('WARN', `Task token expired for callback ${callbackToken}`);
        return reply(410, { error: 'Task token expired' });
      }
      throw error;
    }
    const result: AttributeValue = {
      M: completed ? { output: { S: JSON.stringify(body.output ?? {}) } } : { error: { S: String(body.error ?? body.status) } },
    };
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { callback_token: { S: callbackToken } },
        UpdateExpression: 'SET #status = :status, completed_at = :at, #result = :result',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
        ExpressionAttributeValues: {
          ':status': { S: completed ? 'COMPLETED' : 'FAILED' },
          ':at': { S: new Date().toISOString() },
          ':result': result,
        },
      }),
    );
    return reply(200, { status: 'success', job_id: body.id });
  } catch (error) {
    log('ERROR', `Error processing webhook: ${String(error)}`);
    return reply(500, { error: 'Internal server error' });
  }
}
