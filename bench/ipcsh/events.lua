-- events: N set/wait round trips with a child ipcsh.
local n = tonumber(arg[1]) or 10000
local tag = tostring(ipc.self().pid)
local ping = ipc.create_event("bench-ping-" .. tag)
local pong = ipc.create_event("bench-pong-" .. tag)
local kid = ipc.spawn{ipcsh = ("lua local a, b = ipc.open_event('bench-ping-%s'), ipc.open_event('bench-pong-%s'); "
                               .. "for i = 1, %d do a:wait(10000); b:set() end"):format(tag, tag, n)}
for _ = 1, n do
  ping:set()
  if pong:wait(10000) ~= "signaled" then error("no pong") end
end
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0)
print(n .. " round trips")
