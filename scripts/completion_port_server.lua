-- A pipe server as real servers are written: several instances, one
-- completion port, one loop that takes whichever I/O completed next. Each
-- instance's key says which client a packet belongs to; the clients here
-- are agents (child processes) that each send their messages.
--
-- Run it: ./ipcsh scripts/completion_port_server.lua
local name = "iocp-demo-" .. ipc.self().pid
local clients, per = 3, 20
local port <close> = ipc.create_iocp()
local servers, reads, agents = {}, {}, {}
for i = 1, clients do
  servers[i] = ipc.create_pipe(name, {mode = "message", instances = clients})
  ipc.associate(port, servers[i], {key = i})
end
for i = 1, clients do
  agents[i] = ipc.spawn{agent = true}
  -- each agent opens the pipe (the next free instance) and sends its messages
  ipc.on(agents[i], ("c = open-pipe %s --wait 5000"):format(name))
end
-- which instance each agent got: its first message says who it is
for i = 1, clients do reads[i] = servers[i]:read{async = true} end
local requests = {}
for i = 1, clients do
  requests[i] = agents[i]:start(("lua for n = 1, %d do ipc.send(ipc.vars.c, 'agent %d message ' .. n) end")
                                  :format(per, i))
end
local got, total = {}, 0
while total < clients * per do
  local packet = ipc.get_completion(port, {timeout = 10000})[1]
  assert(packet, "a completion within 10 s")
  local text = packet.io:result().data
  local agent = tonumber(text:match("^agent (%d+)"))
  got[agent] = (got[agent] or 0) + 1
  assert(text == ("agent %d message %d"):format(agent, got[agent]), "in order per client: " .. text)
  total = total + 1
  packet.io:close()
  reads[packet.key] = servers[packet.key]:read{async = true}  -- the next read on that instance
end
for i = 1, clients do
  print(("agent %d: %d messages, in order"):format(i, got[i]))
  assert(got[i] == per)
  ipc.result(requests[i])
  agents[i]:close()
  reads[i]:close()
  servers[i]:close()
end
