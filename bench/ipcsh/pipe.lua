-- pipe: N message round trips (transact, a child ipcsh echoing), then
-- BYTES one way in 64 KB writes; "byte" after BYTES: a byte-mode pipe.
local n, bytes = tonumber(arg[1]) or 10000, tonumber(arg[2]) or (64 << 20)
local mode = arg[3] == "byte" and "byte" or "message"
local name = "bench-pipe-lua-" .. ipc.self().pid
local server = ipc.spawn{ipcsh = ("lua local p = ipc.create_pipe('%s', {mode = '%s', in_buffer = 65536, out_buffer = 65536}); p:connect(); "
  .. "for i = 1, %d do p:send(p:recv()) end; local total = 0; "
  .. "while total < %d do total = total + #p:recv() end"):format(name, mode, n, bytes)}
local client = ipc.open_pipe(name, {wait = 10000})
local m = string.rep("p", 64)
for _ = 1, n do
  if #client:transact(m) ~= 64 then error("short answer") end
end
local block = string.rep("b", 64 << 10)
for _ = 1, bytes // #block do client:send(block) end
assert(server:wait(60000) == "signaled" and server:exit_code() == 0, "server")
print(n .. " round trips, " .. bytes .. " bytes")
