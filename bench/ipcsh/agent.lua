-- agent: N x (spawn an agent, run one command there, close it).
local n = tonumber(arg[1]) or 20
for _ = 1, n do
  local a <close> = ipc.spawn{agent = true}
  assert(a:run("echo hi") == "hi")
end
print(n .. " agents")
