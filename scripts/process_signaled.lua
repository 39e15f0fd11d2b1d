-- A process object is non-signaled while the process runs and turns
-- signaled when it exits - and stays signaled: every later wait returns at
-- once. The exit code stays readable through the handle.
--
-- Run it: ./ipcsh scripts/process_signaled.lua
local child = ipc.spawn{ipcsh = "sleep 300; exit 3"}
print("child: " .. tostring(child))

local status = child:wait(0)
local code, why = child:exit_code()
print("while it runs: wait -> " .. status .. ", exit code -> " .. tostring(code) .. " (" .. why .. ")")
assert(status == "timeout" and code == nil and why == "still active")
assert(child:info().signaled == false)

status = child:wait(10000)
print("wait until it exits -> " .. status .. ", exit code " .. child:exit_code())
assert(status == "signaled" and child:exit_code() == 3)

for i = 1, 3 do
  local again = child:wait(0)
  print(("wait again (%d) -> %s"):format(i, again))
  assert(again == "signaled")
end
assert(child:info().signaled == true)
