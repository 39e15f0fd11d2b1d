-- DuplicateHandle: in-process copies, access masks, close-source, and
-- copies placed in another process.
local ev = ipc.create_event(nil, {manual = true})
local copy = ev:dup()
assert(copy.value ~= ev.value and copy.kind == "event")
assert(ev:info().handle_count == 2 and copy:info().handle_count == 2)
ipc.set_event(copy)
assert(ev:info().signaled == true, "same object through the copy")
copy:close()
assert(copy.closed and ev:info().handle_count == 1)

-- closing twice, and using a closed handle: ERROR_INVALID_HANDLE
local ok, err = pcall(ipc.close, copy)
assert(not ok and err.name == "ERROR_INVALID_HANDLE" and err.code == 6, tostring(err))
ok, err = pcall(ipc.set_event, copy)
assert(not ok and err.code == 6, tostring(err))

-- a copy with less access: SYNCHRONIZE only cannot set the event
local weak = ipc.dup(ev, {access = 0x00100000})
assert(weak:info().access == 0x00100000, ("access %#x"):format(weak:info().access))
ok, err = pcall(ipc.set_event, weak)
assert(not ok and err.name == "ERROR_ACCESS_DENIED" and err.code == 5 and err.api == "SetEvent", tostring(err))
assert(ipc.wait(weak, {timeout = 0}) == "signaled", "SYNCHRONIZE still lets it wait")

-- close-source: the original is gone, the copy remains
local moved = ipc.dup(weak, {close_source = true})
assert(weak.closed == true and moved.closed == false)
assert(ev:info().handle_count == 2)

-- inherit flag on the copy
local inheritable = ipc.dup(ev, {inherit = true})
assert(inheritable.inherit == true and ev.inherit == false)

-- into another process: the value there is returned; the count goes up
local kid = ipc.spawn{ipcsh = "sleep 5000", suspended = true}
local before = ev:info().handle_count
local remote = ipc.dup(ev, {to = kid})
assert(math.type(remote) == "integer" and remote > 0, "value in the child: " .. tostring(remote))
assert(ev:info().handle_count == before + 1)
-- and back from it, closing it there
local back = ipc.dup(remote, {from = kid, close_source = true})
assert(back.kind == "event" and ev:info().handle_count == before + 1, "moved back: " .. ev:info().handle_count)
back:close()
assert(ev:info().handle_count == before)
kid:kill()

-- a value never opened
ok, err = pcall(ipc.set_event, 0x1ffc)
assert(not ok and err.name == "ERROR_INVALID_HANDLE", tostring(err))
ok, err = pcall(ipc.close, 0x1ffc)
assert(not ok and err.name == "ERROR_INVALID_HANDLE" and err.api == "CloseHandle", tostring(err))
