/**
 * The one Redis script that writes a batch of status changes (status-view-batch.ts) to the
 * view: all of it or nothing, in one round trip. It first checks that every job of the batch
 * still has the sequence the plan assumed (-1: not in the view); if any differs, it writes
 * nothing and returns those jobs' current JSON, so the caller plans again from them. Otherwise,
 * for each job in order: its JSON (a terminal view with its expiry), its index entries, and
 * for each batch it belongs (or belonged) to, the count deltas, the batch index entry and the
 * batch's expiry (kept while any job of the batch is active, else the later of the batch's
 * current expiry and this job's).
 *
 * The plan is ARGV[1] (JSON); the view JSON of its i-th write is ARGV[2i], its result JSON
 * ARGV[2i + 1] ('' when it has none: the result key is deleted). View and result get the same
 * expiry, so they live and go together.
 *
 * Key names travel in the payload rather than in KEYS: the view lives on one Redis (not a
 * cluster), and a batch touches a number of keys known only once it is planned.
 */
import type { Redis } from 'ioredis';
import type { ScriptPayload } from './status-view-batch.ts';

const SCRIPT = `
local p = cjson.decode(ARGV[1])
local conflicts = {}
for _, check in ipairs(p.checks) do
  local raw = redis.call('GET', check[1])
  local sequence = -1
  if raw then sequence = cjson.decode(raw).sequence end
  if sequence ~= check[2] then
    table.insert(conflicts, check[3])
    table.insert(conflicts, raw or '')
  end
end
if #conflicts > 0 then return conflicts end
local function move(from, to, score, id)
  if from and from ~= to then redis.call('ZREM', from, id) end
  redis.call('ZADD', to, score, id)
end
local function store(key, json, pxat)
  if json == '' then redis.call('DEL', key)
  elseif pxat then redis.call('SET', key, json, 'PXAT', pxat)
  else redis.call('SET', key, json) end
end
for i, w in ipairs(p.writes) do
  store(w.key, ARGV[2 * i], w.pxat)
  store(w.resultKey, ARGV[2 * i + 1], w.pxat)
  redis.call('ZADD', p.all, w.score, w.id)
  move(w.stateFrom, w.stateTo, w.score, w.id)
  move(w.stageFrom, w.stageTo, w.score, w.id)
  for _, b in ipairs(w.batches) do
    local expireAt = redis.call('PEXPIRETIME', b.hash)
    for state, n in pairs(b.deltas) do redis.call('HINCRBY', b.hash, state, n) end
    if b.member then redis.call('ZADD', b.jobs, w.score, w.id) else redis.call('ZREM', b.jobs, w.id) end
    local active = false
    for _, state in ipairs(p.active) do
      if tonumber(redis.call('HGET', b.hash, state) or '0') > 0 then active = true end
    end
    local at = tonumber(b.expireAt)
    if expireAt > at then at = expireAt end
    for _, key in ipairs({ b.hash, b.jobs, b.declaration, b.followUpIndex }) do
      if active then redis.call('PERSIST', key) else redis.call('PEXPIREAT', key, string.format('%d', at)) end
    end
  end
end
return {}
`;

type ScriptRunner = Redis & { sedanoApplyStatusBatch?: (plan: string, ...views: string[]) => Promise<string[]> };

/**
 * Runs the script with `payload`; resolves with the jobs whose sequence was not the assumed
 * one (job id -> current JSON, or null when the job is not in the view), empty when it wrote.
 */
export async function writeStatusBatch(redis: Redis, payload: ScriptPayload): Promise<Map<string, string | null>> {
  const runner = redis as ScriptRunner;
  // defineCommand sends EVALSHA, and the script's text only when Redis does not know it yet.
  if (runner.sedanoApplyStatusBatch === undefined) {
    redis.defineCommand('sedanoApplyStatusBatch', { numberOfKeys: 0, lua: SCRIPT });
  }
  const { views, results, ...plan } = payload;
  const reply = await runner.sedanoApplyStatusBatch!(
    JSON.stringify(plan),
    ...views.flatMap((view, i) => [view, results[i]!]),
  );
  const conflicts = new Map<string, string | null>();
  for (let i = 0; i + 1 < reply.length; i += 2) conflicts.set(reply[i]!, reply[i + 1] === '' ? null : reply[i + 1]!);
  return conflicts;
}
