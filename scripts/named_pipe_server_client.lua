-- Named pipe server and client.
--
-- The server creates an instance of \\.\pipe\<name> (CreateNamedPipe) and
-- waits for a client (ConnectNamedPipe). A client - here a child ipcsh -
-- opens the name with CreateFile. In message mode every write is one
-- message and every read returns one message.
--
-- Run it: ./ipcsh scripts/named_pipe_server_client.lua
local name = "pipe-demo-" .. ipc.self().pid
local server = ipc.create_pipe(name, {mode = "message"})
print("server: " .. tostring(server))

-- The client: open (waiting for a free instance), ask twice, print answers.
local client = ipc.spawn{ipcsh = ("c = open-pipe %s --wait 5000; "
                                  .. "send $c 'what time is it?'; recv $c --timeout 5000; "
                                  .. "send $c 'bye'; recv $c --timeout 5000"):format(name)}

server:connect{timeout = 10000}
print("a client connected")
for _, answer in ipairs{"time to learn named pipes", "bye to you too"} do
  local question = server:recv{timeout = 5000}
  print("server got: " .. question)
  server:send(answer)
end

assert(client:wait(10000) == "signaled" and client:exit_code() == 0)
-- The client is gone: the next read on this instance reports a broken pipe.
local ok, err = pcall(server.recv, server, {timeout = 1000})
print("after the client left: " .. tostring(err))
assert(not ok and err.name == "ERROR_BROKEN_PIPE")
-- DisconnectNamedPipe readies the instance for the next client.
ipc.disconnect(server)
