-- Named pipes: a child client, message boundaries, ERROR_MORE_DATA, peek,
-- transact, and each failure's own Win32 error.
local tag = "accept-pipe-" .. ipc.self().pid

-- message mode with a child ipcsh as the client: it sends, reads our reply,
-- and sends the reply back
local ok, err
local server = ipc.create_pipe(tag, {mode = "message"})
local kid = ipc.spawn{ipcsh = ("c = open-pipe %s --wait 5000; send $c 'hello server'; r = recv $c --timeout 5000; send $c $r")
                              :format(tag)}
server:connect{timeout = 10000}
assert(server:recv{timeout = 5000} == "hello server")
assert(server:send("reply") == 5)
assert(server:recv{timeout = 5000} == "reply", "echoed back")
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0, "client exit " .. tostring(kid:exit_code()))
ipc.disconnect(server)

-- in-process client: messages keep their boundaries
local s2 = ipc.create_pipe(tag .. "-m", {mode = "message"})
local c2 = ipc.open_pipe(tag .. "-m")
assert(tostring(c2):find("client (message)", 1, true), tostring(c2))
c2:send("one")
c2:send("two two")
local p = ipc.peek(s2)
assert(p.available == 10 and p.data == "one", ("peek: available %d data %q"):format(p.available, p.data))
assert(s2:read() == "one" and s2:read() == "two two")
-- a short read keeps the rest of the message
c2:send("a long message")
local part, more = s2:read{max = 6}
assert(part == "a long" and more == "more", ("short read: %q %s"):format(part, tostring(more)))
assert(s2:read() == " message", "the rest is still there")
-- transact refuses while unread messages wait for the client
s2:send("unread")
ok, err = pcall(ipc.transact, c2, "request")
assert(not ok and err.name == "ERROR_PIPE_BUSY" and err.api == "TransactNamedPipe", tostring(err))
assert(c2:read() == "unread")
-- transact against a child server: write a request, read the reply, one call
local serving = ipc.spawn{ipcsh = ("s = create-pipe %s-t --mode message; connect $s --timeout 5000; "
                                   .. "r = recv $s --timeout 5000; send $s \"pong to \"; send $s $r"):format(tag)}
local client = ipc.open_pipe(tag .. "-t", {wait = 5000})  -- waits for the name to appear
local reply = ipc.transact(client, "ping", {timeout = 5000})
assert(reply == "pong to ", ("transact reply %q"):format(reply))
assert(client:read{timeout = 5000} == "ping")
assert(serving:wait(5000) == "signaled" and serving:exit_code() == 0)

-- byte mode: writes run together
local s3 = ipc.create_pipe(tag .. "-b")
local c3 = ipc.open_pipe(tag .. "-b")
c3:write("abc")
c3:write("def")
assert(s3:read{timeout = 1000} == "abcdef")

-- errors
ok, err = pcall(ipc.open_pipe, tag .. "-none")
assert(not ok and err.name == "ERROR_FILE_NOT_FOUND" and err.code == 2, tostring(err))
local busy = ipc.create_pipe(tag .. "-1", {instances = 1})
local first = ipc.open_pipe(tag .. "-1")
ok, err = pcall(ipc.open_pipe, tag .. "-1")
assert(not ok and err.name == "ERROR_PIPE_BUSY" and err.code == 231, tostring(err))
ok, err = pcall(ipc.open_pipe, tag .. "-1", {wait = 100})
assert(not ok and err.code == 121 and err.api == "WaitNamedPipeW", "still busy after waiting: " .. tostring(err))
ok, err = pcall(ipc.create_pipe, tag .. "-1", {instances = 1})
assert(not ok and err.code == 231 and err.api == "CreateNamedPipeW", tostring(err))
-- not connected (233): the server dropped the client
ipc.disconnect(busy)
ok, err = pcall(first.read, first, {timeout = 100})
assert(not ok and err.name == "ERROR_PIPE_NOT_CONNECTED" and err.code == 233, tostring(err))
-- broken pipe (109) reading, no data (232) writing, once the client is gone
local s4 = ipc.create_pipe(tag .. "-4")
local c4 = ipc.open_pipe(tag .. "-4")
c4:close()
ok, err = pcall(s4.read, s4, {timeout = 100})
assert(not ok and err.name == "ERROR_BROKEN_PIPE" and err.code == 109 and err.api == "ReadFile", tostring(err))
ok, err = pcall(s4.write, s4, "x")
assert(not ok and err.name == "ERROR_NO_DATA" and err.code == 232 and err.api == "WriteFile", tostring(err))
-- nobody connects: connect times out and is cancelled
local lonely = ipc.create_pipe(tag .. "-lonely")
ok, err = pcall(lonely.connect, lonely, {timeout = 100})
assert(not ok and err.api == "ConnectNamedPipe" and err.code == 258, tostring(err))
-- nothing to read: a read with a timeout
local s5 = ipc.create_pipe(tag .. "-5")
local c5 = ipc.open_pipe(tag .. "-5")
ok, err = pcall(c5.read, c5, {timeout = 50})
assert(not ok and err.code == 258, tostring(err))
