-- A duplicate raises the usage count; closing it lowers it.
--
-- DuplicateHandle makes a second handle - a new entry in a handle table -
-- for the SAME kernel object. The object counts its handles (the usage
-- count, NtQueryObject's HandleCount); it is destroyed only when the count
-- drops to zero. A duplicate may go into this process or into another one.
--
-- Run it: ./ipcsh scripts/duplicate_usage_count.lua
local ev = ipc.create_event(nil, {manual = true})
print("one handle:        usage count " .. ev:info().usage_count)
assert(ev:info().usage_count == 1)

-- a copy in this process: a new value, the same object
local copy = ipc.dup(ev)
print("duplicated here:   usage count " .. ev:info().usage_count .. " (" .. tostring(copy) .. ")")
assert(copy.value ~= ev.value and ev:info().usage_count == 2 and copy:info().usage_count == 2)
-- the same object: setting it through one handle is seen through the other
ev:set()
assert(copy:wait(0) == "signaled")

-- a copy in another process (an agent child): the count is the object's,
-- whichever table holds the handle
local kid = ipc.spawn{agent = true}
local there = ipc.dup(ev, {to = kid, as = "ev"})
print(("duplicated into pid %d as 0x%x: usage count %d"):format(kid.pid, there, ev:info().usage_count))
assert(ev:info().usage_count == 3)
assert(kid:run("wait $ev --timeout 0") == "signaled", "the child sees the same, signaled object")

-- closing lowers it again, wherever the handle was
kid:run("close $ev")
assert(ev:info().usage_count == 2)
copy:close()
print("both copies closed: usage count " .. ev:info().usage_count)
assert(ev:info().usage_count == 1)
kid:close()
