-- A handle reaches a child only when it is inheritable AND the spawn
-- inherits; an inherited handle goes on to a grandchild the same way.
local tag = "accept-rules-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
local inheritable = ipc.open_mailslot(tag, {inherit = true})
local private = ipc.open_mailslot(tag)

local function child_sends(handle, opts)
  opts.ipcsh = ("send %d 'via %d'"):format(handle.value, handle.value)
  local kid = ipc.spawn(opts)
  assert(kid:wait(10000) == "signaled")
  return kid:exit_code()
end

-- inheritable, but the spawn does not inherit: the value means nothing there
assert(child_sends(inheritable, {}) == 1, "no --inherit: the child's send must fail")
ok, err = pcall(slot.recv, slot, {timeout = 0})
assert(not ok and err.name == "ERROR_SEM_TIMEOUT")

-- the spawn inherits, but the handle is not inheritable
assert(child_sends(private, {inherit = true}) == 1, "non-inheritable handle must not reach the child")

-- both: it works, with the same handle value
assert(child_sends(inheritable, {inherit = true}) == 0)
assert(slot:recv{timeout = 2000} == "via " .. inheritable.value)

-- set-inherit turns a handle inheritable after the fact
ipc.set_inherit(private, "on")
assert(private.inherit == true)
assert(child_sends(private, {inherit = true}) == 0)
assert(slot:recv{timeout = 2000} == "via " .. private.value)
ipc.set_inherit(private, "off")
assert(private.inherit == false)
private:set_inherit(true)
assert(private.inherit == true)
private:set_inherit(false)
assert(private.inherit == false)
local ok_bad, err_bad = pcall(ipc.set_inherit, private, "maybe")
assert(not ok_bad and tostring(err_bad):find("STATE: on/off, yes/no or true/false expected, got 'maybe'", 1, true), tostring(err_bad))

-- grandchild: the child spawns its own child with --inherit, which sends
local grandchild_cmd = ("send %d 'from grandchild'"):format(inheritable.value)
local child_cmd = ("g = spawn --inherit --ipcsh \"%s\"; wait $g --timeout 10000"):format(grandchild_cmd)
local kid = ipc.spawn{ipcsh = child_cmd, inherit = true}
assert(kid:wait(15000) == "signaled")
assert(kid:exit_code() == 0, "child exit " .. tostring(kid:exit_code()))
assert(slot:recv{timeout = 2000} == "from grandchild")

-- ...but not when the child spawns without inheriting
child_cmd = ("g = spawn --ipcsh \"%s\"; wait $g --timeout 10000; exit-code $g"):format(grandchild_cmd)
kid = ipc.spawn{ipcsh = child_cmd, inherit = true}
assert(kid:wait(15000) == "signaled")
ok, err = pcall(slot.recv, slot, {timeout = 300})
assert(not ok and err.code == 121, "grandchild without inheritance must not send")
