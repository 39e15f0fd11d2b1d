-- proxy-pipe: an agent stands between a client and a server (both this
-- script), relaying every message both ways in order, whole (a message over
-- one read's 64 KB too), logging each as a JSON line, and closing its pipe
-- when it stops.
local tag = "ipcsh-proxy-" .. ipc.self().pid
local log = (os.getenv("TEMP") or ".") .. "\\" .. tag .. ".jsonl"
os.remove(log)
local back <close> = ipc.create_pipe(tag .. "-back", {mode = "message"})
local agent = ipc.spawn{agent = true}
local rounds = 12
local request = agent:start(("proxy-pipe %s-front --to %s-back --count %d --log %s --quiet")
                              :format(tag, tag, rounds * 2, log))
local front <close> = ipc.open_pipe(tag .. "-front", {wait = 5000})
ipc.connect(back, {timeout = 5000})  -- the proxy's own client end of the real server
local sizes = {1, 2, 100, 4096, 65535, 65536, 65537, 100000, 7, 30000, 64 * 1024 - 1, 1}
for n = 1, rounds do
  local message = (string.char(64 + n)):rep(sizes[n] - 1) .. "!"
  front:send(message)
  local got = back:recv{timeout = 5000}
  assert(#got == #message and got == message, ("round %d: %d bytes arrived whole (got %d)"):format(n, #message, #got))
  back:send("reply " .. n)
  assert(front:recv{timeout = 5000} == "reply " .. n, "the reply came back")
end
local totals = ipc.result(request, {timeout = 10000})
request:close()
assert(totals.messages == rounds * 2 and totals.clients == 1, "relayed " .. tostring(totals.messages))
local bytes = 0
for n = 1, rounds do bytes = bytes + sizes[n] + #("reply " .. n) end
assert(totals.bytes == bytes, totals.bytes .. " bytes, expected " .. bytes)

-- the log: one JSON line per message, in order, directions and sizes right
local lines = {}
for line in io.lines(log) do lines[#lines + 1] = line end
assert(#lines == rounds * 2, #lines .. " log lines")
assert(lines[1]:find('"direction":"client->server","bytes":1,', 1, true), lines[1])
assert(lines[2]:find('"direction":"server->client","bytes":7,"delivered":true,"data":"reply 1"', 1, true), lines[2])
assert(lines[15]:find('"bytes":100000,', 1, true), lines[15])
os.remove(log)

-- stopped: its pipe is gone
expect_error("ERROR_FILE_NOT_FOUND", ipc.open_pipe, tag .. "-front")
expect_error("--to TARGET", ipc.on, agent, "proxy-pipe " .. tag .. "-x")
agent:close()

-- 8 clients at once, byte mode: each client's messages reach the real server
-- on one instance of its own, in order, never mixed with another's
do
  local n, rounds8 = 8, 25
  local backs, connects, fronts, route = {}, {}, {}, {}
  for i = 1, n do
    backs[i] = ipc.create_pipe(tag .. "-back8", {instances = n})
    connects[i] = ipc.connect(backs[i], {async = true})
  end
  local proxy = ipc.spawn{agent = true}
  local req = proxy:start(("proxy-pipe %s-front8 --to %s-back8 --mode byte --instances %d --count %d --quiet")
                            :format(tag, tag, n, n * (rounds8 + 1)))
  for i = 1, n do fronts[i] = ipc.open_pipe(tag .. "-front8", {wait = 5000}) end
  for i = 1, n do assert(ipc.wait{connects[i], timeout = 5000} == "signaled", "back instance " .. i .. " connected"); connects[i]:close() end
  -- each client says who it is; which back instance hears it is its route
  for i = 1, n do fronts[i]:send(("[%d:0]"):format(i)) end
  for b = 1, n do
    local hello = backs[b]:recv{timeout = 5000}
    local i = tonumber(hello:match("^%[(%d+):0%]$"))
    assert(i and not route[i], "one hello per instance: " .. hello)
    route[i] = b
  end
  for r = 1, rounds8 do
    for i = 1, n do fronts[i]:send(("[%d:%d]"):format(i, r)) end
    for i = 1, n do
      local got = backs[route[i]]:recv{timeout = 5000}
      assert(got == ("[%d:%d]"):format(i, r), ("client %d round %d arrived as %s"):format(i, r, got))
    end
  end
  local t = ipc.result(req, {timeout = 10000})
  req:close()
  assert(t.clients == n and t.messages == n * (rounds8 + 1), ("%d clients, %d messages"):format(t.clients, t.messages))
  for i = 1, n do fronts[i]:close(); backs[i]:close() end
  proxy:close()
end

-- interrupted as Ctrl+C would (result --timeout stops the request there):
-- every instance, connection and event it made is closed again. (Counted
-- until it settles.)
do
  local back2 <close> = ipc.create_pipe(tag .. "-back2", {mode = "message", instances = 2})
  local proxy = ipc.spawn{agent = true}
  local function interrupted_run(word)
    local req = proxy:start(("proxy-pipe %s-front2 --to %s-back2 --instances 3 --quiet"):format(tag, tag))
    local client <close> = ipc.open_pipe(tag .. "-front2", {wait = 5000})
    ipc.connect(back2, {timeout = 5000})
    client:send(word)
    assert(back2:recv{timeout = 5000} == word)
    expect_error("WAIT_TIMEOUT", ipc.result, req, {timeout = 300})
    req:close()
    client:close()
    ipc.disconnect(back2)
    local count = #ipc.on(proxy, "handles --all")  -- (the agent's next request: the proxy has unwound)
    expect_error("ERROR_FILE_NOT_FOUND", ipc.open_pipe, tag .. "-front2")
    return count
  end
  -- (the agent's request threads keep an event each for their I/O, made at
  -- their first write: the count settles once each has run; a proxy that
  -- left anything behind would grow it every time)
  local counts = {interrupted_run("1")}
  repeat
    counts[#counts + 1] = interrupted_run(tostring(#counts + 1))
  until counts[#counts] == counts[#counts - 1] or #counts == 6
  assert(counts[#counts] == counts[#counts - 1],
         "the agent's handles after each interrupted proxy: " .. table.concat(counts, ", "))
  proxy:close()
end
