-- many_clients: one ipcsh server serving K pipe clients (default 8), N
-- round trips each - the same clients as bench/c/many_clients.c's (that
-- program with "client NAME N"), so only the server differs. K instances
-- of a message pipe; one loop waits on all of them (wait: a pipe end is
-- signaled when readable), echoes the message of the one that is, and
-- drops one whose client is done (its read fails: ERROR_BROKEN_PIPE).
local n, client, k = tonumber(arg[1]) or 10000, arg[2], tonumber(arg[3]) or 8
local name = "bench-many-lua-" .. ipc.self().pid
local pipes = {}
for i = 1, k do pipes[i] = ipc.create_pipe(name, {mode = "message", instances = k}) end
local kids = {}
for i = 1, k do kids[i] = ipc.spawn{args = {client, "client", name, tostring(n)}} end
for i = 1, k do pipes[i]:connect{timeout = 30000} end
local served = 0
while #pipes > 0 do
  local status, i = ipc.wait(pipes, {timeout = 30000})
  if status ~= "signaled" then error("no client within 30 s: " .. status) end
  local p = pipes[i]
  local ok, m = pcall(p.recv, p)
  if ok then
    p:send(m)
    served = served + 1
  elseif m.name == "ERROR_BROKEN_PIPE" then
    table.remove(pipes, i)
    p:close()
  else
    error(m)
  end
end
local failed = 0
for i = 1, k do
  if kids[i]:wait(30000) ~= "signaled" or kids[i]:exit_code() ~= 0 then failed = failed + 1 end
end
print(("%d messages from %d clients (%d failed)"):format(served, k, failed))
assert(served == n * k and failed == 0)
