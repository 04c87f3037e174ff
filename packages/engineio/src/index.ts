export * from './api'
export { SocketIoClient } from './client'
export {
  PacketError,
  ENGINE_PACKET_TYPES,
  SOCKET_IO_PACKET_TYPES,
  encodeEnginePacket,
  decodeEnginePacket,
  decodeHandshake,
  encodePayload,
  decodePayload,
  encodeSocketIoPacket,
  encodeSocketIoMessage,
  decodeSocketIoPacket,
  MAX_PACKET_DEPTH,
  nestsDeeperThan,
} from './codec'
export type { EnginePacket, EnginePacketType, Handshake, SocketIoPacket } from './codec'
