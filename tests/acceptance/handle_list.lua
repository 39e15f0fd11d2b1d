-- --inherit-only (PROC_THREAD_ATTRIBUTE_HANDLE_LIST) passes exactly the
-- handles named, even when others are inheritable too.
local tag = "accept-list-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
local a = ipc.open_mailslot(tag, {inherit = true})
local b = ipc.open_mailslot(tag, {inherit = true})

local kid = ipc.spawn{ipcsh = "sleep 1", inherit = {a}, suspended = true}
assert(a:info().handle_count == 2, "a is in the list: " .. a:info().handle_count)
assert(b:info().handle_count == 1, "b is not: " .. b:info().handle_count)
kid:kill(0)
assert(kid:wait(5000) == "signaled")

-- the shell form, and plain --inherit passes both
ipc.run(("k = spawn --suspended --inherit-only %d --ipcsh 'sleep 1'"):format(b.value))
assert(a:info().handle_count == 1 and b:info().handle_count == 2)
local all = ipc.spawn{ipcsh = "sleep 1", inherit = true, suspended = true}
assert(a:info().handle_count == 2 and b:info().handle_count == 3)
all:kill()

-- (Windows refuses a non-inheritable handle in the list with
-- ERROR_INVALID_PARAMETER; Wine 8 accepts it, so that is not asserted here.)
