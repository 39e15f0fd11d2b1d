-- Overlapped I/O, the next chapter after the notes': a ReadFile that
-- returns at once with ERROR_IO_PENDING, an object to wait on, its result
-- later, and a cancel.
--
-- Run it: ./ipcsh scripts/overlapped_read.lua
local name = "overlapped-demo-" .. ipc.self().pid
local server <close> = ipc.create_pipe(name, {mode = "message"})
local client <close> = ipc.open_pipe(name)

-- ReadFile(..., &overlapped) = FALSE, ERROR_IO_PENDING: the read is an object now
local io = server:read{async = true}
local r = io:result()
print(("started: %s, pending %s"):format(r.status, tostring(r.pending)))
assert(r.pending)

-- wait on it with another object: the first signaled wins
local stop <close> = ipc.create_event()
client:send("twelve bytes")
local status, index = ipc.wait{stop, io, timeout = 2000}
print(("wait: %s, index %d (the read)"):format(status, index))
assert(index == 2)
r = io:result()
print(("GetOverlappedResult: %s, %d bytes: %q"):format(r.status, r.bytes, r.data))
assert(r.bytes == 12 and r.data == "twelve bytes")
io:close()

-- CancelIoEx: a pending read completes with ERROR_OPERATION_ABORTED
local waiting = server:read{async = true}
ipc.cancel(waiting)
ipc.wait{waiting, timeout = 2000}
r = waiting:result()
print(("cancelled: %s (%s)"):format(r.status, r.error))
assert(r.error == "ERROR_OPERATION_ABORTED")
waiting:close()
