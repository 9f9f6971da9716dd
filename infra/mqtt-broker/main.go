// The project's local MQTT 5 broker: mochi-mqtt embedded as a library, so that it opens one TCP
// listener on the address it is given and nothing else. (The module's own cmd always adds a
// WebSocket listener and an HTTP stats dashboard; its config-file cmd links every storage back-end
// mochi has.) Any client may connect, publish and subscribe; sessions live in memory.
//
// Built and started by infra/src/services/mqtt-broker.ts: mqtt-broker -addr 127.0.0.1:11883
package main

import (
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:11883", "host:port of the MQTT (TCP) listener")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("-log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: level}))

	capabilities := mqtt.NewDefaultServerCapabilities()
	// QoS 1/2 messages a session may hold (mochi's most). Past it mochi drops new messages for that
	// session ("client store quota reached"); the default 8,192 is reached quickly by a bridge
	// instance that is down while its shared-subscription share keeps arriving.
	capabilities.MaximumInflight = 65535

	server := mqtt.New(&mqtt.Options{Capabilities: capabilities, Logger: logger})
	if err := server.AddHook(new(auth.AllowHook), nil); err != nil {
		log.Fatal(err)
	}
	// AddListener binds the socket, so a port in use fails here, before anything is served.
	if err := server.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: *addr})); err != nil {
		log.Fatalf("listen on %s: %v", *addr, err)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		if err := server.Serve(); err != nil {
			log.Fatal(err)
		}
	}()

	<-signals
	_ = server.Close()
}
