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
kid:close()
