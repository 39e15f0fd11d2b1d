-- Bounded, not leaking, not silently ignoring: looking at another
-- process's table leaves nothing open here, a handshake has a deadline, a
-- script run by `run` closes what it left open, and a flag another flag
-- would make meaningless is an error.
local dir = assert(os.getenv("TEMP"))
local tag = "bounded-" .. ipc.pid(ipc.self())

-- handles --process P: the shell's own handles stay flat
local kid = ipc.spawn{ipcsh = "sleep 20000"}
-- (the first looks may learn what they must not copy, and keep the copies of
-- the child's console connection that closing would harm: until the child
-- has settled - it opens them as it starts - the count may grow)
local before
for _ = 1, 30 do
  ipc.handles{process = kid}
  local n = #ipc.handles{all = true}
  if n == before then break end
  before = n
  ipc.sleep(100)
end
for _ = 1, 40 do ipc.handles{process = kid} end
local after = #ipc.handles{all = true}
assert(after == before, ("40 looks at pid %d: %d handles before, %d after"):format(kid.pid, before, after))
kid:kill(0)
kid:close()

-- connect-agent: a peer that accepts and never answers is given up on in time
local silent <close> = ipc.tcp_listen(0)
local t0 = os.time()
local err = expect_error("WSAETIMEDOUT", ipc.connect_agent, "127.0.0.1", silent:info().port, {token = "x", timeout = 1000})
assert(os.time() - t0 <= 4 and tostring(err):find("did not answer", 1, true), tostring(err))

-- run FILE: what the script leaves open closes when it ends, except what it
-- returns or hands to the shell; --keep keeps it all
local script = dir .. "\\" .. tag .. "-run.lua"
local f = assert(io.open(script, "w"))
f:write("left = ipc.create_event()\n",
        "ipc.vars.handed = ipc.create_event()\n",
        "local returned = ipc.create_event()\n",
        "return returned, 5\n")
f:close()
local returned, five = ipc.run_file(script)
assert(five == 5 and returned.kind == "event" and not returned.closed)
assert(left.closed, "the script's own handle closed when it ended")
assert(not ipc.vars.handed.closed, "a handle stored in a shell variable stays")
returned:close()
ipc.vars.handed:close()
local kept = ipc.run(("run '%s' --keep"):format(script))
assert(not left.closed and not kept.closed, "--keep keeps it")
left:close()
kept:close()
ipc.vars.handed:close()
-- also when the script fails
f = assert(io.open(script, "w"))
f:write("left = ipc.create_event()\nerror('boom')\n")
f:close()
expect_error("boom", ipc.run_file, script)
assert(left.closed)
os.remove(script)

-- vars marks closed handles
ipc.run("gone = create-event; close $gone")
local rows = ipc.run("vars")
local state
for _, row in ipairs(rows) do
  if row.name == "$gone" then state = row.state end
end
assert(state == "closed", tostring(state))
ipc.vars.gone = nil

-- help returns its text in Lua
local text = ipc.help("send")
assert(type(text) == "string" and text:find("send H DATA", 1, true), tostring(text))
assert(select("#", ipc.help("send")) == 1)

-- flags that another flag makes meaningless, and ignored arguments
expect_error("one at a time", ipc.handles, {snapshot = "s1", since = "s0"})
expect_error("one at a time", ipc.handles, {compare = {ipc.self()}, snapshot = "s1"})
expect_error("one at a time", ipc.graph, "g.dot", {dot = true, svg = "g.svg"})
expect_error("one handle or more", ipc.run, "handles --compare=")
expect_error("takes no arguments", function() return ipc.vars("x") end)

-- one name per fact: a handles row answers to usage_count as info does
local ev <close> = ipc.create_event()
for _, row in ipairs(ipc.handles()) do
  if row.value == ev.value then
    assert(row.usage == 1 and row.usage_count == 1 and ev:info().usage_count == 1)
  end
end
