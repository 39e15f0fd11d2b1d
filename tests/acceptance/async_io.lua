-- Overlapped I/O as objects: read/write/connect --async return an io handle
-- that wait takes like any object, result reads (pending, then the status,
-- bytes and data), cancel ends (ERROR_OPERATION_ABORTED); a completion port
-- gets a packet per I/O of the handles associated with it, with their keys.
local tag = "ipcsh-async-" .. ipc.self().pid

-- connect --async: pending until a client opens the instance
local srv <close> = ipc.create_pipe(tag, {mode = "message"})
local c = ipc.connect(srv, {async = true})
assert(c.kind == "io")
local r = ipc.result(c)
assert(r.pending == true and r.status == "STATUS_PENDING" and r.bytes == nil, r.status)
local cli <close> = ipc.open_pipe(tag)
assert(ipc.wait{c, timeout = 2000} == "signaled")
r = ipc.result(c)
assert(r.pending == false and r.status == "STATUS_SUCCESS" and r.error == nil and r.op == "connect", r.status)
c:close()

-- read --async: pending; a wait on it and an event returns the right index
local io = srv:read{async = true}
local ev <close> = ipc.create_event()
assert(ipc.result(io).pending)
local facts = io:info()
assert(facts.kind == "io" and facts.type == "Event" and facts.op == "read" and facts.pending == true, facts.kind)
assert(facts.signaled == false, "not signaled while pending")
local status, index = ipc.wait{ev, io, timeout = 50}
assert(status == "timeout", status)
cli:send("hello async")
status, index = ipc.wait{ev, io, timeout = 2000}
assert(status == "signaled" and index == 2, status .. " " .. tostring(index))
assert(io:info().signaled == true, "signaled once done")
r = io:result()
assert(r.bytes == 11 and r.data == "hello async" and r.status == "STATUS_SUCCESS", tostring(r.data))
io:close()

-- write --async: done at once into the pipe's buffer, read back whole
local w = cli:write("from the client", {async = true})
assert(ipc.wait{w, timeout = 2000} == "signaled")
assert(w:result().bytes == 15 and w:result().op == "write")
assert(srv:recv() == "from the client")
w:close()

-- cancel: the pending read completes with ERROR_OPERATION_ABORTED; a second cancel finds nothing
local pending = srv:read{async = true}
ipc.cancel(pending)
assert(ipc.wait{pending, timeout = 2000} == "signaled")
r = pending:result()
assert(r.pending == false and r.error == "ERROR_OPERATION_ABORTED" and r.status == "STATUS_CANCELLED", tostring(r.error))
ipc.cancel(pending)  -- nothing pending: not an error
pending:close()

-- the trace shows the pending call and its later result
local lines = {}
ipc.trace(function(line) lines[#lines + 1] = line end)
local traced = srv:read{async = true}
cli:send("twelve bytes")
ipc.wait{traced, timeout = 2000}
traced:result()
ipc.trace(false)
local all = table.concat(lines, "\n")
assert(all:find("ReadFile%(0x%x+, buffer, %d+, NULL, &overlapped%) = FALSE ERROR_IO_PENDING"), all)
assert(all:find("GetOverlappedResult(", 1, true) and all:find("= TRUE (12 bytes)", 1, true), all)
traced:close()

-- a pending read whose file handle is closed completes aborted (never a crash)
do
  local s2 = ipc.create_pipe(tag .. "-2")
  local c2 <close> = ipc.open_pipe(tag .. "-2")
  local orphan = s2:read{async = true}
  s2:close()
  assert(ipc.wait{orphan, timeout = 2000} == "signaled", "the read ends with its handle")
  local o = orphan:result()
  assert(o.pending == false and o.error ~= nil, "completes with an error: " .. tostring(o.error))
  orphan:close()
end
-- an io closed while pending is cancelled first
local left = srv:read{async = true}
left:close()
cli:send("still works")
assert(srv:recv{timeout = 2000} == "still works", "the pipe is intact after closing a pending io")

-- not on a synchronous handle
local s3 <close> = ipc.create_pipe(tag .. "-3")
local sync <close> = ipc.open_pipe(tag .. "-3", {sync = true})
expect_error("not opened for overlapped I/O", ipc.read, sync, {async = true})
expect_error("IO: io handle expected", ipc.cancel, ev)

-- a completion port: 4 instances served through one port, 250 messages
-- each, every packet with its instance's key, none lost
local port <close> = ipc.create_iocp()
local servers, clients, reads = {}, {}, {}
for i = 1, 4 do
  servers[i] = ipc.create_pipe(tag .. "-port", {mode = "message", instances = 4})
  clients[i] = ipc.open_pipe(tag .. "-port")
  ipc.associate(port, servers[i], {key = i})
end
local per = 1000
local got = {0, 0, 0, 0}
for i = 1, 4 do reads[i] = servers[i]:read{async = true} end
for n = 1, per do
  for i = 1, 4 do clients[i]:send(("%d:%d"):format(i, n)) end
  for _ = 1, 4 do
    local rows = ipc.get_completion(port, {timeout = 5000})
    assert(#rows == 1, "a packet within 5 s")
    local p = rows[1]
    local i = p.key
    assert(p.io == reads[i], "the packet names its io")
    local data = p.io:result().data
    assert(data == ("%d:%d"):format(i, got[i] + 1), "key " .. i .. " in order: " .. data)
    assert(p.bytes == #data and p.status == "STATUS_SUCCESS")
    got[i] = got[i] + 1
    p.io:close()
    reads[i] = servers[i]:read{async = true}
  end
end
for i = 1, 4 do assert(got[i] == per, "instance " .. i .. ": " .. got[i]) end
-- the reads left pending, closed: cancelled, their packets arrive (for an
-- io no longer held); then the shell's own I/O on an associated handle (a
-- plain send and recv) puts nothing on the port: only --async I/O does
for i = 1, 4 do reads[i]:close() end
local drained = ipc.get_completion(port, {timeout = 500, max = 16})
for _, p in ipairs(drained) do assert(p.io == nil and p.status == "an I/O this shell did not start", p.status) end
clients[1]:send("plain")
assert(servers[1]:recv{timeout = 2000} == "plain")
assert(#ipc.get_completion(port, {timeout = 100}) == 0, "a plain recv posts nothing")
-- a posted packet of our own: key and bytes as given, no io
ipc.post_completion(port, 99, 5)
local posted = ipc.get_completion(port, {timeout = 1000})[1]
assert(posted.key == 99 and posted.bytes == 5 and posted.io == nil and posted.status == "posted")
assert(#ipc.get_completion(port, {timeout = 0}) == 0, "nothing more")
for i = 1, 4 do clients[i]:close(); servers[i]:close() end
print(("async: pending, wait, result, cancel; a port served 4 x %d messages"):format(per))
