-- Soak: CYCLES create/use/close cycles of every object kind must leave this
-- process's handle count where it started, and a long send/recv loop must
-- keep its memory flat.  ./ipcsh tests/soak/soak.lua [CYCLES] [MESSAGES]
-- (the suite runs 100 and 20000; README has the last full 10,000-cycle run)
local cycles = tonumber(arg and arg[1]) or 100
local messages = tonumber(arg and arg[2]) or 20000
local me = ipc.self()
local tag = "soak-" .. me.pid
local started = os.clock()

-- This process's handle count (the system handle list: Wine has no
-- GetProcessHandleCount) and its committed memory (private bytes; under
-- Wine, which leaves that 0, the page-file usage).
local function facts()
  local i = me:info()
  return #ipc.handles{all = true}, i.private_bytes or i.pagefile_usage
end

-- one cycle of every kind: create, use, close
local function cycle(i)
  local slot = ipc.create_mailslot(tag)
  local w = ipc.open_mailslot(tag)
  w:send("m" .. i); assert(slot:recv() == "m" .. i)
  w:close(); slot:close()

  local ev = ipc.create_event(nil, {manual = true}); ev:set(); assert(ev:wait(0) == "signaled"); ev:close()
  local mx = ipc.create_mutex(); assert(mx:wait(0) == "signaled"); mx:release(); mx:close()
  local sem = ipc.create_semaphore(nil, {initial = 0, max = 2}); sem:release(1); assert(sem:wait(0) == "signaled"); sem:close()
  local t = ipc.create_timer(nil, {manual = true}); t:set(1); assert(t:wait(1000) == "signaled"); t:cancel(); t:close()

  local map = ipc.create_mapping(tag .. "-map", {size = 4096})
  local view = ipc.map(map); view:write(0, "x" .. i); assert(view:read(0, #("x" .. i)) == "x" .. i)
  view:close(); map:close()

  local r, wr = ipc.pipe(); assert(r:wait(0) == "timeout"); wr:write("p"); assert(r:wait(0) == "signaled")
  assert(r:read() == "p"); r:close(); wr:close()

  local server = ipc.create_pipe(tag .. "-np", {mode = "message"})
  local client = ipc.open_pipe(tag .. "-np")
  server:connect{timeout = 1000}
  assert(ipc.wait(server, client, {timeout = 0}) == "timeout")
  client:send("q"); assert(server:wait(0) == "signaled"); assert(server:recv() == "q")
  client:close(); server:close()

  local listener = ipc.tcp_listen(0)
  local c = ipc.tcp_connect("127.0.0.1", listener.port)
  local a = listener:accept{timeout = 2000}
  c:send("s"); assert(a:recv{timeout = 2000} == "s")
  c:close(); a:close(); listener:close()

  local win = ipc.create_window(tag .. "-w"); win:close()
  local copy = ipc.dup(me); copy:close()
  if i % 50 == 0 then  -- a child now and then: spawning is slow
    local kid = ipc.spawn{ipcsh = "exit 0"}; assert(kid:wait(20000) == "signaled"); kid:close()
  end
end

cycle(0)                                    -- first use loads what stays loaded
local handles_before = facts()
for i = 1, cycles do cycle(i) end
local handles_after = facts()
print(("%d cycles of every kind: handle count %d before, %d after"):format(cycles, handles_before, handles_after))
assert(handles_after == handles_before, "handles leaked: " .. (handles_after - handles_before))

-- memory stays flat over a long send/recv loop
local slot = ipc.create_mailslot(tag .. "-mem")
local w = ipc.open_mailslot(tag .. "-mem")
local m = string.rep("m", 64)
for _ = 1, 2000 do w:send(m); slot:recv() end
collectgarbage()
local _, private_before = facts()
for _ = 1, messages do w:send(m); slot:recv() end
collectgarbage()
local _, private_after = facts()
local grown = private_after - private_before
print(("%d messages: private bytes %d before, %d after (%+d)"):format(messages, private_before, private_after, grown))
assert(grown < 1024 * 1024, "memory grew by " .. grown .. " bytes")
w:close(); slot:close()
print(("soak done in %.1f s of CPU"):format(os.clock() - started))
