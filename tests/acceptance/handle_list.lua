-- --inherit-only (PROC_THREAD_ATTRIBUTE_HANDLE_LIST) passes exactly the
-- handles named, even when others are inheritable too.
local tag = "accept-list-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
local a = ipc.open_mailslot(tag, {inherit = true})
local b = ipc.open_mailslot(tag, {inherit = true})

local kid = ipc.spawn{ipcsh = "sleep 1", inherit = {a}, suspended = true}
assert(a:info().handle_count == 2, "a is in the list: " .. a:info().handle_count)
assert(b:info().handle_count == 1, "b is not: " .. b:info().handle_count)
-- the child's own handle table has a at the same value, inheritable, and not b
local in_child = {}
for _, row in ipairs(ipc.handles{process = kid}) do in_child[row.value] = row end
local row_a = in_child[a.value]
assert(row_a and row_a.type == "File" and row_a.inherit == true and row_a.usage == 2,
       "a in the child's table: " .. tostring(row_a and row_a.usage))
assert(in_child[b.value] == nil or in_child[b.value].type ~= "File",
       "b is not in the child's table")
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
