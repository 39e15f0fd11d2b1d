-- Every wait on an agent is bounded: on/kid:run --timeout fails with
-- WAIT_TIMEOUT, interrupts the request there (so the agent answers the next
-- one at once) and discards its late answer.
local kid = ipc.run("k = spawn --agent")
assert(kid:run("lua return 1") == 1)

-- kid:run with {timeout = 300}: the agent sleeps 9 s; we give up soon
local started = os.time()
local err = expect_error("WAIT_TIMEOUT", function() return kid:run("sleep 9000", {timeout = 300}) end)
assert(err.code == 258 and err.api == "agent", ("%s %s"):format(tostring(err.code), tostring(err.api)))
assert((err.message .. (err.note or "")):find("300 ms", 1, true), err.message)
assert(os.time() - started <= 5, "timed out within 5 s")
-- interrupted there: the next request is answered at once, with its own
-- answer (the sleep's late one is discarded)
started = os.time()
assert(kid:run("lua return 42", {timeout = 5000}) == 42)
assert(os.time() - started <= 5, "the agent is usable again at once")

-- the shell form: the flag comes before CMD, which stays verbatim
started = os.time()
expect_error("WAIT_TIMEOUT", ipc.run, "on $k --timeout 300 sleep 9000")
assert(os.time() - started <= 5, "on --timeout: within 5 s")
assert(ipc.run("on $k --timeout 5000 lua return 'a;b', 7") == "a;b")
assert(ipc.run("on $k --timeout=5000 -- lua return 8") == 8)
-- a bad value is one clear usage error
expect_error("--timeout", ipc.run, "on $k --timeout soon lua return 1")
assert(kid:run("lua return 9") == 9)

-- --async: kid:start returns a request at once, so the parent can drain a
-- mailslot its agent is filling (300 messages: more than the ~277 a full
-- slot holds, so a blocked kid:run would never return)
local name = "awaits-" .. ipc.pid(ipc.self())
local slot = ipc.create_mailslot(name)
kid:run(("w = open-mailslot %s"):format(name))
local req = kid:start("lua for i = 1, 300 do ipc.send(ipc.vars.w, 'm' .. i) end return 'done', 300")
assert(req.kind == "event", "a request is an event: " .. tostring(req.kind))
for i = 1, 300 do
  local m = ipc.recv(slot, {timeout = 5000})
  assert(m == "m" .. i, ("message %d: %s"):format(i, tostring(m)))
end
local ev = ipc.create_event()
local status, index = ipc.wait(ev, req, {timeout = 5000})
assert(status == "signaled" and index == 2, ("wait: %s %s"):format(tostring(status), tostring(index)))
local a, b = ipc.result(req)
assert(a == "done" and b == 300, ("result: %s %s"):format(tostring(a), tostring(b)))
expect_error("already taken", ipc.result, req)
-- a failure there raises the same error object kid:run would
local bad = kid:start("open-event no-such-" .. name)
local e = expect_error("ERROR_FILE_NOT_FOUND", ipc.result, bad)
assert(e.pid == kid.pid and e.code == 2)
-- one request at a time: another one before result is refused, then works
local slow = kid:start("sleep 200")
expect_error("one at a time", function() return kid:run("lua return 1") end)
ipc.result(slow, {timeout = 5000})
assert(kid:run("lua return 2") == 2)
-- a request closed before result no longer holds the agent
local dropped = kid:start("sleep 200")
dropped:close()
assert(kid:run("lua return 3", {timeout = 5000}) == 3)
-- the shell form, and result on something that is no request
local rq = ipc.run("rq = on $k --async lua return 5")
assert(ipc.run("wait $rq --timeout 5000") == "signaled")
assert(ipc.run("result $rq") == 5)
expect_error("not a request", ipc.result, ev)
for _, h in ipairs{req, bad, slow, rq, ev, slot} do h:close() end
kid:close()
