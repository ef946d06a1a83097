// Values the API defines, spelled as it spells them (api/service_types.go).
export const CHECK_TYPES = ['HTTP', 'TCP', 'UDP', 'PING', 'DNS', 'WEBSOCKET', 'SMTP', 'IMAP', 'FTP', 'SSH',
  'REDIS', 'MYSQL', 'POSTGRES', 'MONGODB', 'GRPC', 'SSL'];
export const SERVICE_STATUSES = ['GREEN', 'YELLOW', 'RED', 'PENDING', 'PAUSED', 'MAINTENANCE'];
