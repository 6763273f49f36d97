// Where the broker is on D-Bus (docs/dbus-api.md): its well-known name, its one object and the
// interfaces on it.
#pragma once

namespace ttbus::protocol {

inline constexpr const char* broker_bus_name = "org.ttbus.Broker1";
inline constexpr const char* broker_object_path = "/org/ttbus/Broker1";
inline constexpr const char* broker_interface = "org.ttbus.Broker1";
inline constexpr const char* procid_interface = "org.ttbus.Procid1";
inline constexpr const char* monitor_interface = "org.ttbus.Monitor1";
inline constexpr const char* peer_interface = "org.ttbus.Peer1";  // peer connections only

// The signals the broker writes by hand (unicast to a procid's owner), beside the methods the XML
// generates: Procid1's a{sv} forms and Peer1's compact ones.
inline constexpr const char* delivered_signal = "Delivered";
inline constexpr const char* updated_signal = "Updated";
inline constexpr const char* delivered_compact_signal = "DeliveredCompact";
inline constexpr const char* updated_compact_signal = "UpdatedCompact";
inline constexpr const char* delivered_batch_signal = "DeliveredBatch";
inline constexpr const char* delivered_packed_signal = "DeliveredPacked";
inline constexpr const char* updated_packed_signal = "UpdatedPacked";

}  // namespace ttbus::protocol
