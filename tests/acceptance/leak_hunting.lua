-- handles --snapshot NAME / --since NAME: what was opened and closed since,
-- and which line made it - the first thing a leak hunt asks.
local name, count = ipc.handles{snapshot = "start"}
assert(name == "start" and count > 0, tostring(count))
local kept = ipc.create_mutex()                -- line 5: left open on purpose
local gone = ipc.create_event()
gone:close()
local since = ipc.handles{since = "start"}
assert(#since == 1, "one handle opened since, got " .. #since)
assert(since[1].change == "opened" and since[1].value == kept.value and since[1].type == "Mutant", since[1].type)
assert(since[1]["created by"]:find("leak_hunting.lua:5", 1, true), since[1]["created by"])

-- closing what was there at the snapshot shows as closed
local old = ipc.create_semaphore(nil, {initial = 1, max = 2})
ipc.handles{snapshot = "later"}
old:close()
kept:close()
since = ipc.handles{since = "later"}
assert(#since == 2 and since[1].change == "closed" and since[2].change == "closed", #since)

-- another process's table: once the child has settled into its sleep,
-- nothing opens or closes there
local kid = ipc.spawn{ipcsh = "sleep 20000"}
eventually(function()
  ipc.handles{process = kid, snapshot = "kid"}
  ipc.sleep(100)
  return #ipc.handles{process = kid, since = "kid"} == 0
end, 10000)
-- and a handle put there shows up as opened
local ev = ipc.create_event()
local there = ipc.dup(ev, {to = kid})
local theirs = ipc.handles{process = kid, since = "kid"}
assert(#theirs == 1 and theirs[1].value == there and theirs[1].type == "Event", #theirs)
expect_error("is of pid", ipc.handles, {since = "kid"})
expect_error("no snapshot 'nope'", ipc.handles, {since = "nope"})
kid:kill()
