-- Children started by a shell end with it (its kill-on-close job): kill a
-- child ipcsh and the grandchild it spawned goes too. --detach opts out.
local me = ipc.dup(ipc.self(), {inherit = true})
local tag = "accept-job-" .. me.pid
local slot = ipc.create_mailslot(tag)
local w = ipc.open_mailslot(tag, {inherit = true})

local function grandchild_of(detach)
  local cmds = ("g = spawn %s--ipcsh 'sleep 60000'; v = dup $g --to %d; send %d $v; sleep 60000")
      :format(detach and "--detach " or "", me.value, w.value)
  local kid = ipc.spawn{ipcsh = cmds, inherit = {me, w}}
  local value = math.tointeger(tonumber(slot:recv{timeout = 10000}))
  local grandchild = ipc.handle(value)
  assert(grandchild.kind == "process", "got the grandchild: " .. tostring(grandchild))
  assert(grandchild:wait(0) == "timeout", "the grandchild runs")
  return kid, grandchild
end

local kid, grandchild = grandchild_of(false)
kid:kill()
assert(kid:wait(5000) == "signaled")
assert(grandchild:wait(10000) == "signaled", "the grandchild ended with its shell")

kid, grandchild = grandchild_of(true)
kid:kill()
assert(kid:wait(5000) == "signaled")
assert(grandchild:wait(500) == "timeout", "a detached grandchild lives on")
grandchild:kill()
