/** TLS material for the tests' fake API servers on 127.0.0.1: a self-signed P-256 certificate and a kubeconfig trusting it. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Writes a self-signed certificate for 127.0.0.1 into `dir`; returns its key and certificate (PEM). */
export function selfSignedCertificate(dir: string): { key: string; cert: string } {
  const [keyFile, certFile] = [join(dir, "key.pem"), join(dir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
}

/** A kubeconfig (YAML text) for the server on 127.0.0.1:`port` with certificate `cert`, user `speaker` with a bearer token. */
export function fakeKubeconfig(port: number, cert: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `  - name: fake\n    cluster: {server: "https://127.0.0.1:${port}", certificate-authority-data: ${Buffer.from(cert).toString("base64")}}`,
    "users:",
    "  - name: speaker\n    user: {token: test-token}",
    "contexts:",
    "  - name: fake\n    context: {cluster: fake, user: speaker}",
    "current-context: fake",
    "",
  ].join("\n");
}
