// Alert payloads written for this repo's tests, in the vendors' documented shapes.

export function wazuhAlert(srcip = '198.51.100.23', id = '1718000000.1234'): Record<string, unknown> {
  return {
    timestamp: '2026-02-10T08:15:30.123+0000',
    rule: { level: 10, description: 'sshd: brute force trying to get access to the system.', id: '5712', groups: ['syslog', 'sshd', 'authentication_failures'] },
    agent: { id: '001', name: 'web-01', ip: '10.0.0.15' },
    manager: { name: 'wazuh-manager' },
    id,
    full_log: `Feb 10 08:15:29 web-01 sshd[2145]: Failed password for invalid user admin from ${srcip} port 51234 ssh2`,
    decoder: { name: 'sshd' },
    data: { srcip, srcport: '51234', srcuser: 'admin' },
    location: '/var/log/auth.log',
  };
}

export function alertmanagerWebhook(status: 'firing' | 'resolved', instance = 'db-7:9100'): Record<string, unknown> {
  return {
    version: '4',
    groupKey: '{}:{alertname="HostOutOfDisk"}',
    truncatedAlerts: 0,
    status,
    receiver: 'ir-playbook',
    groupLabels: { alertname: 'HostOutOfDisk' },
    commonLabels: { alertname: 'HostOutOfDisk', severity: 'critical', instance },
    commonAnnotations: { summary: `Host out of disk space on ${instance}` },
    externalURL: 'http://alertmanager.example.org:9093',
    alerts: [{
      status,
      labels: { alertname: 'HostOutOfDisk', severity: 'critical', instance },
      annotations: { summary: `Host out of disk space on ${instance}` },
      startsAt: '2026-02-10T08:00:00.000Z',
      endsAt: status === 'resolved' ? '2026-02-10T09:00:00.000Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.org:9090/graph',
      fingerprint: 'a1b2c3d4e5f60718',
    }],
  };
}

export const CEF_LINES = [
  'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=203.0.113.10 dst=192.0.2.55 spt=1232 suser=alice',
  'CEF:0|Security|threatmanager|1.0|101|port scan detected|5|src=203.0.113.11 dst=192.0.2.56',
].join('\n');
