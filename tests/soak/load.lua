-- Load: AGENTS agents (spawn --agent) each send MESSAGES messages into one
-- mailslot, all at once; then each into its own instance of one named pipe
-- (a message-mode server with AGENTS instances). Every message says which
-- agent sent it and its number, with a body made from both. The parent
-- receives them all while the agents send (kid:start: the parent is not
-- blocked on any of them) and asserts that none is lost, duplicated, changed
-- or out of its agent's order, that each agent's request returns its count,
-- that nothing is left over, and that this process's handle count is the
-- same before and after.
--   ./ipcsh tests/soak/load.lua [AGENTS] [MESSAGES]
-- The suite runs 32 x 20; bench/load runs 32 x 1000 (docs/performance.md).
local agents = math.tointeger(tonumber(arg and arg[1] or 32))
local messages = math.tointeger(tonumber(arg and arg[2] or 20))
assert(agents and agents >= 1 and agents <= 64, "AGENTS: 1..64")
assert(messages and messages >= 1, "MESSAGES: 1 or more")
local total = agents * messages
local me = ipc.self()
local tag = "load-" .. me.pid
-- a message that no wait may outlast: the slowest machine seen sends ~2,000
-- a second through one mailslot, so this is generous
local quiet_ms = 30000

-- this process's handle count (the system handle list, all of them: Wine
-- has no GetProcessHandleCount)
local function handle_count() return #ipc.handles{all = true} end

local function body(a, i)
  return ("%d:%d:%s"):format(a, i, string.rep(string.char(65 + (a * 7 + i) % 26), 24 + (a + i) % 17))
end
-- the message an agent sends, as Lua code it runs (HANDLE: its variable)
local function sender(a, handle)
  return ("lua local h = ipc.vars.%s for i = 1, %d do "
          .. "ipc.send(h, ('%%d:%%d:%%s'):format(%d, i, string.rep(string.char(65 + (%d * 7 + i) %% 26), 24 + (%d + i) %% 17))) "
          .. "end return %d"):format(handle, messages, a, a, a, messages)
end

-- Checks one message against what its agent has sent before it; returns
-- the agent's number.
local function check(message, last, where)
  local a, i = message:match("^(%d+):(%d+):")
  a, i = tonumber(a), tonumber(i)
  assert(a and last[a], ("%s: a message from no agent: %q"):format(where, message:sub(1, 80)))
  assert(i == last[a] + 1,
         ("%s: agent %d's message %d came after its message %d (%s)"):format(where, a, i, last[a],
           i <= last[a] and "a duplicate or out of order" or "lost " .. (i - last[a] - 1)))
  assert(message == body(a, i), ("%s: agent %d's message %d changed: %q"):format(where, a, i, message:sub(1, 80)))
  last[a] = i
  return a
end

local function finish(kids, requests, what)
  for a = 1, agents do
    local n = ipc.result(requests[a], {timeout = quiet_ms})
    assert(n == messages, ("%s: agent %d's request returned %s, not %d"):format(what, a, tostring(n), messages))
    requests[a]:close()
  end
end

-- First use loads what stays loaded (the job object children go into, the
-- agent machinery, two semaphores at the first mailslot read, the thread's
-- event for overlapped pipe calls): each once, before counting.
do
  local warm <close> = ipc.spawn{agent = true}
  assert(warm:run("lua return 1") == 1)
  local slot <close> = ipc.create_mailslot(tag .. "-warm")
  local w <close> = ipc.open_mailslot(tag .. "-warm")
  w:send("x"); assert(slot:recv() == "x")
  local server <close> = ipc.create_pipe(tag .. "-warm", {mode = "message"})
  local client <close> = ipc.open_pipe(tag .. "-warm")
  server:connect{timeout = 10000}
  client:send("y"); assert(server:peek().available == 1 and server:recv() == "y")
end
ipc.sleep(200)
local before = handle_count()
local started = os.clock()  -- wall time under Windows' C runtime

local kids = {}
for a = 1, agents do kids[a] = ipc.spawn{agent = true} end
for a = 1, agents do assert(kids[a]:run("lua return 1") == 1) end
local spawned = os.clock()

-- 1. One mailslot, every agent a writer of it, all sending at once.
local slot_name = tag .. "-slot"
local slot = ipc.create_mailslot(slot_name)
for a = 1, agents do kids[a]:run(("w = open-mailslot %s"):format(slot_name)) end
local requests = {}
local t0 = os.clock()
for a = 1, agents do requests[a] = kids[a]:start(sender(a, "w")) end
local last = {}
for a = 1, agents do last[a] = 0 end
for n = 1, total do
  local ok, m = pcall(slot.recv, slot, {timeout = quiet_ms})
  if not ok then
    local short = {}
    for a = 1, agents do if last[a] < messages then short[#short + 1] = ("%d: %d"):format(a, last[a]) end end
    error(("mailslot: %d of %d messages, then nothing for %d ms (%s); agents short of %d: %s"):format(
      n - 1, total, quiet_ms, tostring(m), messages, table.concat(short, ", ")))
  end
  check(m, last, "mailslot")
end
finish(kids, requests, "mailslot")
local slot_s = os.clock() - t0
local info = slot:info()
assert(info.count == 0, ("mailslot: %d messages more than were sent"):format(info.count))
for a = 1, agents do kids[a]:run("close $w") end
slot:close()

-- 2. One named pipe, an instance per agent: the clients open it while every
-- instance listens, then all send at once; the server reads whichever
-- instance holds a message.
local pipe_name = tag .. "-pipe"
local servers = {}
for a = 1, agents do servers[a] = ipc.create_pipe(pipe_name, {mode = "message", instances = agents}) end
for a = 1, agents do kids[a]:run(("c = open-pipe %s --wait 10000"):format(pipe_name)) end
for a = 1, agents do servers[a]:connect{timeout = 10000} end
t0 = os.clock()
for a = 1, agents do requests[a] = kids[a]:start(sender(a, "c")) end
for a = 1, agents do last[a] = 0 end
local owner = {}  -- instance -> the one agent whose messages it carries
local got, idle_since = 0, os.clock()
while got < total do
  local any = false
  for s = 1, agents do
    local server = servers[s]
    while server:peek().available > 0 do
      local a = check(server:recv{timeout = quiet_ms}, last, "pipe")
      owner[s] = owner[s] or a
      assert(owner[s] == a, ("pipe: instance %d carried agent %d's and agent %d's messages"):format(s, owner[s], a))
      got, any = got + 1, true
    end
  end
  if any then
    idle_since = os.clock()
  else
    assert((os.clock() - idle_since) * 1000 < quiet_ms,
           ("pipe: %d of %d messages, then nothing for %d ms"):format(got, total, quiet_ms))
    ipc.sleep(1)
  end
end
finish(kids, requests, "pipe")
local pipe_s = os.clock() - t0
for s = 1, agents do
  local left = servers[s]:peek().available
  assert(left == 0, ("pipe: instance %d holds %d bytes more than were sent"):format(s, left))
end
for a = 1, agents do kids[a]:run("close $c") end
for s = 1, agents do servers[s]:close() end

for a = 1, agents do kids[a]:close() end
-- an agent's output reader ends a moment after its process (at most 1 s)
local after = handle_count()
for _ = 1, 50 do
  if after == before then break end
  ipc.sleep(100)
  after = handle_count()
end
print(("%d agents: started in %.2f s; mailslot: %d messages in %.2f s (%.0f/s); pipe: %d messages in %.2f s (%.0f/s)")
      :format(agents, spawned - started, total, slot_s, total / slot_s, total, pipe_s, total / pipe_s))
print(("handle count %d before, %d after"):format(before, after))
assert(after == before, ("handles: %d before, %d after"):format(before, after))
