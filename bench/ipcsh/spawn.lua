-- spawn: N x (spawn a trivial program + wait for it).
local n, program = tonumber(arg[1]) or 50, arg[2]
for _ = 1, n do
  local p <close> = ipc.spawn{cmd = program}
  p:wait()
end
print(n .. " processes")
