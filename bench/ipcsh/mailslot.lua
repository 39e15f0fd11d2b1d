-- mailslot: N x (send a 64-byte message + receive it), the Lua loop.
local n = tonumber(arg[1]) or 100000
local name = "bench-lua-" .. ipc.self().pid
local slot = ipc.create_mailslot(name)
local w = ipc.open_mailslot(name)
local m = string.rep("m", 64)
for _ = 1, n do
  w:send(m)
  if #slot:recv() ~= 64 then error("short message") end
end
print(n .. " messages")
