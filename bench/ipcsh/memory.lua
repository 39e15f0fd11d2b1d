-- memory: write then read a 64 MB view in 64 KB blocks, ROUNDS times.
local rounds = tonumber(arg[1]) or 4
local size, block = 64 << 20, 64 << 10
local mapping = ipc.create_mapping("bench-mem-" .. ipc.self().pid, {size = size})
local view = ipc.map(mapping)
local data = string.rep("d", block)
local sum = 0
for _ = 1, rounds do
  for off = 0, size - block, block do
    view:write(off, data)
    sum = sum + view:read(off, block):byte(block)
  end
end
print(rounds .. " rounds, " .. sum)
