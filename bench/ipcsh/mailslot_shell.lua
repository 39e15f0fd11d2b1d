-- mailslot through shell text: N x ipc.run("send $w ...; recv $slot").
local n = tonumber(arg[1]) or 100000
local name = "bench-shell-" .. ipc.self().pid
ipc.vars.slot = ipc.create_mailslot(name)
ipc.vars.w = ipc.open_mailslot(name)
local line = "send $w " .. string.rep("m", 64) .. "; recv $slot"
for _ = 1, n do ipc.run(line) end
print(n .. " messages")
