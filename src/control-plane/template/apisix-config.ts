import { stringify } from 'yaml';

export interface TemplateInput {
  /** Host name gateways dial the data-plane endpoint by, e.g. host.docker.internal. */
  advertiseHost: string;
  dataPlanePort: number;
  domain: string;
  prefix: string;
  /**
   * `--cluster`: every data-plane address gateways use (each replica, or a load balancer), in the order
   * they are tried. APISIX's etcd client and the agent both take several hosts. Absent: the one above.
   */
  addresses?: { host: string; port: number }[];
}

const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * The APISIX 3.x `config.yaml` for the data_plane role (PROTOCOL §4), with the `{{.CloudModuleDir}}` and
 * `{{.TLSDir}}` placeholders left for the app to fill. It carries no secret: keys stay in the TLS folder.
 */
export function renderStartupTemplate(input: TemplateInput): string {
  const hosts = input.addresses && input.addresses.length > 0
    ? input.addresses.map((a) => `https://${bracket(a.host)}:${a.port}`)
    : [`https://${bracket(input.advertiseHost)}:${input.dataPlanePort}`];
  const config = {
    apisix: {
      node_listen: 9080,
      enable_admin: false,
      enable_control: true,
      control: { ip: '0.0.0.0', port: 9090 },
      ssl: {
        enable: true,
        listen: [{ port: 9443 }],
        ssl_trusted_certificate: '{{.TLSDir}}/ca.crt',
      },
      lua_module_hook: 'gateway_tray_agent.hook',
      extra_lua_path: '{{.CloudModuleDir}}/?.lua',
    },
    deployment: {
      role: 'data_plane',
      role_data_plane: { config_provider: 'etcd' },
      etcd: {
        host: hosts,
        prefix: input.prefix,
        timeout: 30,
        tls: { cert: '{{.TLSDir}}/tls.crt', key: '{{.TLSDir}}/tls.key', verify: true, sni: input.domain },
      },
    },
    plugins: ['prometheus', 'proxy-rewrite'],
    plugin_attr: {
      prometheus: {
        export_uri: '/apisix/prometheus/metrics',
        export_addr: { ip: '0.0.0.0', port: 9091 },
      },
    },
    nginx_config: {
      http: {
        custom_lua_shared_dict: { 'gateway-tray-agent': '1m' },
      },
    },
  };
  return stringify(config, { lineWidth: 0 });
}
