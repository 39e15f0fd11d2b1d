-- wait on pipe ends: a pipe end in the list counts as signaled when it is
-- readable - data or a message waits, or the other end is gone (the read
-- then reports the kernel's error). One loop serves several clients;
-- which one became readable is the index; nothing a wait does loses,
-- duplicates or holds back a message, in byte and message mode, on
-- overlapped and synchronous ends; pipes mix with events and processes.
local tag = "wr-" .. ipc.self().pid

-- Server instances with a client each, one name per pair, so client i
-- is the other end of server i.
local function pairs_of(n, mode, name)
  local s, c = {}, {}
  for i = 1, n do
    s[i] = ipc.create_pipe(("%s-%s-%d"):format(tag, name, i), {mode = mode})
    c[i] = ipc.open_pipe(("%s-%s-%d"):format(tag, name, i))
    assert(s[i]:connect() == "already connected")
  end
  return s, c
end

-- Nothing written: the wait times out and no read stays behind.
local s, c = pairs_of(4, "message", "m")
local status, index = ipc.wait(s, {timeout = 150})
assert(status == "timeout" and index == nil, ("%s %s"):format(status, tostring(index)))

-- Which client wrote is the index; the message is there once, whole.
c[3]:send("three")
status, index = ipc.wait(s, {timeout = 1000})
assert(status == "signaled" and index == 3, ("%s %s"):format(status, tostring(index)))
status, index = ipc.wait(s, {timeout = 0})
assert(status == "signaled" and index == 3, "looking again finds the same message: " .. tostring(index))
assert(s[3]:peek().available == 5, "a wait takes no bytes: " .. s[3]:peek().available)
assert(s[3]:recv() == "three")
expect_error("WAIT_TIMEOUT", s[3].recv, s[3], {timeout = 0})
assert(ipc.wait(s, {timeout = 0}) == "timeout", "read once, gone")

-- The lowest index wins, as in WaitForMultipleObjects.
c[4]:send("four")
c[2]:send("two")
status, index = ipc.wait(s, {timeout = 1000})
assert(index == 2, "two before four: " .. tostring(index))
assert(s[2]:recv() == "two")
status, index = ipc.wait(s, {timeout = 1000})
assert(index == 4 and s[4]:recv() == "four", tostring(index))

-- A wait that really waits: the data comes from another process later.
local late = ipc.spawn{ipcsh = ("sleep 200; c = open-pipe %s-late --wait 10000; send $c 'from a child'; sleep 300"):format(tag)}
local waiting = ipc.create_pipe(tag .. "-late", {mode = "message"})
assert(waiting:connect{timeout = 10000} ~= nil)
status, index = ipc.wait(s[1], s[2], waiting, {timeout = 10000})
assert(status == "signaled" and index == 3, ("%s %s"):format(status, tostring(index)))
assert(waiting:recv() == "from a child")

-- The other end gone wakes the wait; the read says why.
assert(late:wait(10000) == "signaled")
status, index = ipc.wait(s[1], waiting, {timeout = 10000})
assert(status == "signaled" and index == 2, "the child's end closed: " .. tostring(index))
expect_error("ERROR_BROKEN_PIPE", waiting.recv, waiting)
c[1]:close()
status, index = ipc.wait(s, {timeout = 1000})
assert(status == "signaled" and index == 1, "a closed client: " .. tostring(index))
expect_error("ERROR_BROKEN_PIPE", s[1].recv, s[1])

-- Mixed with an event (and a process): each by its index.
local ev = ipc.create_event(nil, {manual = true})
local kid = ipc.spawn{ipcsh = "sleep 5000"}
status, index = ipc.wait(s[2], ev, kid, s[3], {timeout = 100})
assert(status == "timeout", status)
ev:set()
status, index = ipc.wait{s[2], ev, kid, s[3], timeout = 1000}  -- (one table: handles and options)
assert(status == "signaled" and index == 2, "the event: " .. tostring(index))
ev:reset()
assert(ipc.wait{s[2], ev, timeout = 0} == "timeout", "the table's timeout is heard")
ev:set()
c[2]:send("before the event")
status, index = ipc.wait(s[2], ev, {timeout = 1000})
assert(index == 1, "a readable pipe before a set event: " .. tostring(index))
status, index = ipc.wait(ev, s[2], {timeout = 1000})
assert(index == 1, "a set event before a readable pipe: " .. tostring(index))
assert(s[2]:recv() == "before the event")
ev:reset()
kid:kill()
status, index = ipc.wait(s[2], ev, kid, {timeout = 5000})
assert(status == "signaled" and index == 3, "the process: " .. tostring(index))
-- an event a child sets while the wait waits on pipes
local child_ev = ipc.create_event(nil, {inherit = true})
kid = ipc.spawn{ipcsh = ("sleep 150; set-event %d"):format(child_ev.value), inherit = {child_ev}}
status, index = ipc.wait(s[2], s[3], child_ev, {timeout = 10000})
assert(status == "signaled" and index == 3, "set by a child: " .. tostring(index))
assert(kid:wait(10000) == "signaled")

-- --all: every one readable at once.
c[2]:send("a")
assert(ipc.wait({s[2], s[3]}, {all = true, timeout = 0}) == "timeout")
c[3]:send("b")
assert(ipc.wait({s[2], s[3]}, {all = true, timeout = 1000}) == "signaled")
ev:set()
assert(ipc.wait(s[2], ev, s[3], {all = true, timeout = 1000}) == "signaled")
assert(s[2]:recv() == "a" and s[3]:recv() == "b")

-- An empty message: a zero-byte read takes it whole (message mode), so
-- the wait keeps it for the next read - nothing lost, nothing extra.
c[4]:send("")
c[4]:send("after the empty one")
assert(ipc.wait(s[4], {timeout = 1000}) == "signaled")
assert(ipc.wait(s[4], {timeout = 0}) == "signaled", "kept: still readable")
assert(s[4]:recv() == "", "the empty message first")
assert(s[4]:recv() == "after the empty one")
expect_error("WAIT_TIMEOUT", s[4].recv, s[4], {timeout = 0})
-- one that comes while the wait waits
local empty_late = ipc.spawn{ipcsh = ("sleep 150; c = open-pipe %s-late2 --wait 10000; send $c ''; sleep 300"):format(tag)}
local late2 = ipc.create_pipe(tag .. "-late2", {mode = "message"})
late2:connect{timeout = 10000}
assert(ipc.wait(late2, {timeout = 10000}) == "signaled")
assert(late2:recv{timeout = 0} == "", "the empty message, kept")
assert(empty_late:wait(10000) == "signaled")
-- a kept message counts as unread for transact, as the kernel counts one
s[4]:send("")
assert(ipc.wait(c[4], {timeout = 1000}) == "signaled")
expect_error("ERROR_PIPE_BUSY", c[4].transact, c[4], "q", {timeout = 100})
assert(c[4]:recv() == "")

-- Byte mode, overlapped: what waits is read at once, in one piece.
local bs, bc = pairs_of(2, "byte", "b")
assert(ipc.wait(bs, {timeout = 100}) == "timeout")
bc[2]:send("abc")
bc[2]:send("def")
status, index = ipc.wait(bs, {timeout = 1000})
assert(index == 2 and bs[2]:peek().available == 6, tostring(index))
assert(bs[2]:recv() == "abcdef")
assert(ipc.wait(bs, {timeout = 0}) == "timeout")

-- Synchronous ends (a helper thread's zero-byte read, cancelled with
-- CancelSynchronousIo): an anonymous pipe's read end (byte mode) ...
local r, w = ipc.pipe{inherit = "write"}
assert(ipc.wait(r, {timeout = 100}) == "timeout")
w:write("x")
assert(ipc.wait(r, {timeout = 1000}) == "signaled")
assert(r:read() == "x")
assert(ipc.wait(r, {timeout = 0}) == "timeout")
kid = ipc.spawn{ipcsh = ("sleep 150; write %d 'from the child'"):format(w.value), inherit = {w}}
status, index = ipc.wait(ev, r, {timeout = 10000})  -- (ev is set: the lower index wins)
assert(index == 1, tostring(index))
ev:reset()
status, index = ipc.wait(ev, r, {timeout = 10000})
assert(status == "signaled" and index == 2, tostring(index))
assert(r:read() == "from the child")
assert(kid:wait(10000) == "signaled")
kid:close()
w:close()
assert(ipc.wait(r, {timeout = 1000}) == "signaled", "the writer gone")
expect_error("ERROR_BROKEN_PIPE", r.read, r)
-- ... and a message-mode client opened synchronous
local ms = ipc.create_pipe(tag .. "-sync", {mode = "message"})
local mc = ipc.open_pipe(tag .. "-sync", {sync = true})
ms:connect()
assert(mc:info().mode == "message")
assert(ipc.wait(mc, {timeout = 100}) == "timeout")
ms:send("one")
ms:send("")
ms:send("three")
assert(ipc.wait(mc, {timeout = 1000}) == "signaled")
assert(mc:recv() == "one")
assert(ipc.wait(mc, {timeout = 1000}) == "signaled")
assert(mc:recv() == "", "the empty message, kept on a synchronous end too")
assert(ipc.wait(mc, {timeout = 1000}) == "signaled")
assert(mc:recv() == "three")
assert(ipc.wait(mc, ms, {timeout = 100}) == "timeout")
expect_error("WAIT_TIMEOUT", mc.recv, mc, {timeout = 0})
mc:send("up")
status, index = ipc.wait(mc, ms, {timeout = 1000})
assert(index == 2 and ms:recv() == "up", tostring(index))

-- Ends that cannot be waited on for reading: one clear error.
local _, write_end = ipc.pipe()
local err = expect_error("ERROR_ACCESS_DENIED", ipc.wait, write_end, {timeout = 0})
assert(tostring(err):find("wait takes pipe ends that read", 1, true), tostring(err))
ipc.set_pipe_mode(bs[1], "byte", {nowait = true})
err = expect_error("ERROR_NO_DATA", ipc.wait, bs[1], {timeout = 0})
assert(tostring(err):find("PIPE_NOWAIT", 1, true), tostring(err))
ipc.set_pipe_mode(bs[1], "byte", {wait = true})

-- The shell form and the handle's method; the result names the handle.
ipc.vars.a, ipc.vars.b = s[2], s[3]
c[3]:send("shell")
local _, shell = ipc.run("w = wait $a $b --timeout 1000; echo $w.status $w.index $w.var")
assert(shell == "signaled 2 $b", tostring(shell))
assert(s[3]:wait(0) == "signaled" and s[3]:recv() == "shell")
assert(s[3]:wait(0) == "timeout")

-- The calls, traced: a zero-byte read per pipe, cancelled and reaped.
local lines = {}
ipc.trace(function(line) lines[#lines + 1] = line end)
ipc.wait(s[2], s[3], {timeout = 50})
ipc.trace(false)
local text = table.concat(lines, "\n")
for _, want in ipairs{("ReadFile(0x%x, 0, &overlapped) = FALSE ERROR_IO_PENDING"):format(s[2].value),
                      "WaitForMultipleObjects(2, [", "readable", "= WAIT_TIMEOUT",
                      ("CancelIoEx(0x%x, &overlapped) = TRUE"):format(s[2].value),
                      ("GetOverlappedResult(0x%x, &overlapped, TRUE) = FALSE ERROR_OPERATION_ABORTED"):format(s[3].value)} do
  assert(text:find(want, 1, true), ("trace lacks %q:\n%s"):format(want, text))
end
ipc.vars.a, ipc.vars.b, ipc.vars.w = nil, nil, nil

-- One loop serving several client processes: each sends its requests
-- (transact) and checks every answer; the loop waits on all of them,
-- answers the one that is readable and drops one whose client is gone.
local clients, rounds = 4, 25
local served, instances = {}, {}
local procs = {}
for i = 1, clients do
  instances[i] = ipc.create_pipe(tag .. "-loop", {mode = "message", instances = clients})
  served[instances[i]] = 0
end
for i = 1, clients do
  procs[i] = ipc.spawn{ipcsh = ("lua local c = ipc.open_pipe('%s-loop', {wait = 10000}); "
    .. "for k = 1, %d do local m = 'client %d #' .. k; assert(c:transact(m) == 'ok ' .. m) end"):format(tag, rounds, i)}
end
for i = 1, clients do instances[i]:connect{timeout = 10000} end
local live, total = {table.unpack(instances)}, 0
while #live > 0 do
  local st, at = ipc.wait(live, {timeout = 20000})
  assert(st == "signaled", st)
  local p = live[at]
  local ok, m = pcall(p.recv, p)
  if ok then
    p:send("ok " .. m)
    served[p] = served[p] + 1
    total = total + 1
  else
    assert(m.name == "ERROR_BROKEN_PIPE", tostring(m))
    table.remove(live, at)
  end
end
assert(total == clients * rounds, total)
for i = 1, clients do
  assert(served[instances[i]] == rounds, ("instance %d served %d"):format(i, served[instances[i]]))
  assert(procs[i]:wait(10000) == "signaled" and procs[i]:exit_code() == 0, "client " .. i)
end
