-- Inheritance needs two things: an inheritable handle AND a CreateProcess
-- that inherits. An inherited handle is inheritable in the child too, so it
-- can go on to a grandchild.
--
-- Run it: ./ipcsh scripts/inheritance_rules.lua
local name = "rules-demo-" .. ipc.self().pid
local slot = ipc.create_mailslot(name)
local yes = ipc.open_mailslot(name, {inherit = true})
local no = ipc.open_mailslot(name)

local function try(label, handle, inherit)
  local child = ipc.spawn{ipcsh = ("send %d '%s'"):format(handle.value, label), inherit = inherit}
  child:wait(10000)
  local ok, message = pcall(slot.recv, slot, {timeout = 200})
  local arrived = ok and message == label
  print(("%-44s -> %s"):format(label, arrived and "arrived" or "did not arrive (child exit " .. child:exit_code() .. ")"))
  return arrived
end

assert(try("inheritable handle, spawn without --inherit", yes, false) == false)
assert(try("non-inheritable handle, spawn --inherit", no, true) == false)
assert(try("inheritable handle, spawn --inherit", yes, true) == true)

-- The grandchild: the child spawns with --inherit in turn.
local grandchild = ("send %d 'from the grandchild'"):format(yes.value)
local child = ipc.spawn{ipcsh = ("g = spawn --inherit --ipcsh \"%s\"; wait $g --timeout 10000"):format(grandchild),
                        inherit = true}
assert(child:wait(15000) == "signaled")
local message = slot:recv{timeout = 2000}
print("grandchild, two inheriting spawns          -> " .. message)
assert(message == "from the grandchild")
