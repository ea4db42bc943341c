/**
 * A loopback stand-in for the GitHub REST API, with in-memory state: issue comments (paginated
 * with Link headers), releases (list, get by tag, create, update), asset upload on the release's
 * upload_url, asset download answering 302 to a storage path, and asset deletion. Every request
 * is recorded with the status it got. Pull requests (list filtered by head and state, create, update)
 * and the repository itself (its default branch) are there for the packs mode. `forbidCommentWrites` makes comment writes answer 403, as a
 * fork's token does; `inject` makes requests fail (a 502, a rate limit, a dropped connection).
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGitHubClient } from "../../src/action/github.js";
import type { GitHubClientOptions, Octokit } from "../../src/action/github.js";

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeAsset {
  id: number;
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface FakeRelease {
  id: number;
  tag: string;
  targetCommitish: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  assets: FakeAsset[];
}

export interface FakePull {
  number: number;
  /** `owner:branch`, as GitHub's `head` filter takes it. */
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** The status answered; 0 when the connection was dropped without an answer. */
  status: number;
  /** Whether an injected fault answered (or replaced the answer). */
  faulted: boolean;
}

/** Requests that fail: the next `times` requests matching `method` and `path`. */
export interface Fault {
  /** Any method when absent. */
  method?: string;
  /** The URL's path, exactly or by a pattern. */
  path: string | RegExp;
  /** The status to answer, or 0 to drop the connection without answering. */
  status: number;
  headers?: Record<string, string>;
  /** A JSON body, or a string sent as an HTML page; `{ message }` with the status text when absent. */
  body?: unknown;
  /** How many matching requests fail; 1 when absent, Infinity for every one. */
  times?: number;
  /** The request takes effect first and only its answer is replaced, as when a gateway times out after the work was done. */
  afterEffect?: boolean;
}

/** A response that goes nowhere: the request's effect happens, its answer is dropped. */
function sink(): ServerResponse {
  const r = { statusCode: 200, writeHead: (status: number) => ((r.statusCode = status), r), end: () => r };
  return r as unknown as ServerResponse;
}

const STATUS_TEXT: Record<number, string> = { 403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Server Error", 503: "Service Unavailable", 504: "Gateway Timeout" };

export class FakeGitHub {
  origin = "";
  readonly comments: FakeComment[] = [];
  readonly releases: FakeRelease[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly pulls: FakePull[] = [];
  defaultBranch = "main";
  /** Comment writes answer 403, as a pull request from a fork's read-only token gets. */
  forbidCommentWrites = false;
  private faults: Array<Fault & { left: number }> = [];
  private nextId = 1000;
  private server: Server | undefined;

  constructor(
    readonly owner = "acme",
    readonly repo = "policies",
    readonly token = "ghs_fake_token_0123456789",
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? "/", this.origin);
        const method = req.method ?? "GET";
        const record: RecordedRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0, faulted: false };
        this.requests.push(record);
        const fault = this.takeFault(method, url.pathname);
        try {
          if (fault) {
            record.faulted = true;
            if (fault.afterEffect) this.handle(req, url, body, sink());
            if (fault.status === 0) {
              req.socket.destroy();
              return;
            }
            this.fail(res, fault);
          } else {
            this.handle(req, url, body, res);
          }
        } catch (e) {
          this.json(res, 500, { message: `fake github: ${(e as Error).message}` });
        }
        record.status = res.statusCode;
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets all state and requests (between tests). */
  reset(): void {
    this.comments.length = 0;
    this.releases.length = 0;
    this.requests.length = 0;
    this.pulls.length = 0;
    this.defaultBranch = "main";
    this.forbidCommentWrites = false;
    this.clearFaults();
  }

  /** GitHub is well again: no injected fault is left. */
  clearFaults(): void {
    this.faults = [];
  }

  /**
   * Makes the next `fault.times` requests to `fault.path` fail.
   *
   * @example
   * gh.inject({ method: "GET", path: "/repos/acme/policies/releases", status: 502 });
   */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The recorded requests with this method whose path matches. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.left > 0 && (f.method === undefined || f.method === method) && (typeof f.path === "string" ? f.path === path : f.path.test(path)),
    );
    if (fault) fault.left--;
    return fault;
  }

  private fail(res: ServerResponse, fault: Fault): void {
    if (typeof fault.body === "string") {
      res.writeHead(fault.status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(fault.body), ...fault.headers });
      res.end(fault.body);
      return;
    }
    this.json(res, fault.status, fault.body ?? { message: STATUS_TEXT[fault.status] ?? "Error" }, fault.headers);
  }

  addComment(issue: number, body: string, login = "someone"): FakeComment {
    const c = { id: this.nextId++, issue, body, user: { login, type: "User" } };
    this.comments.push(c);
    return c;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  openPulls(): FakePull[] {
    return this.pulls.filter((p) => p.state === "open");
  }

  published(): FakeRelease[] {
    return this.releases.filter((r) => !r.draft);
  }

  // ----------------------------------------------------------------------------------------------

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `${this.origin}/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.origin}/repos/${this.owner}/${this.repo}/issues/${c.issue}`,
    };
  }

  private assetJson(a: FakeAsset) {
    return {
      id: a.id,
      name: a.name,
      label: null,
      content_type: a.contentType,
      size: a.bytes.length,
      state: "uploaded",
      url: `${this.origin}/repos/${this.owner}/${this.repo}/releases/assets/${a.id}`,
      browser_download_url: `${this.origin}/${this.owner}/${this.repo}/releases/download/${encodeURIComponent(a.name)}`,
    };
  }

  private releaseJson(r: FakeRelease) {
    return {
      id: r.id,
      tag_name: r.tag,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      html_url: `${this.origin}/${this.owner}/${this.repo}/releases/${r.draft ? `untagged-${r.id}` : `tag/${r.tag}`}`,
      url: `${this.origin}/repos/${this.owner}/${this.repo}/releases/${r.id}`,
      upload_url: `${this.origin}/uploads/repos/${this.owner}/${this.repo}/releases/${r.id}/assets{?name,label}`,
      assets: r.assets.map((a) => this.assetJson(a)),
    };
  }

  /** One page of `items`, with GitHub's Link header when there are more. */
  private page<T>(res: ServerResponse, url: URL, items: T[]): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30)));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(url.href);
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(p));
      return u.href;
    };
    const rels: string[] = [];
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    this.json(res, 200, items.slice((page - 1) * perPage, page * perPage), rels.length > 0 ? { link: rels.join(", ") } : {});
  }

  private pullJson(p: FakePull) {
    const [owner, ref] = p.head.split(":") as [string, string];
    return {
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      html_url: `${this.origin}/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref, label: p.head, repo: { full_name: `${owner}/${this.repo}` } },
      base: { ref: p.base, label: `${this.owner}:${p.base}`, repo: { full_name: `${this.owner}/${this.repo}` } },
    };
  }

  private findAsset(id: number): { release: FakeRelease; asset: FakeAsset } | undefined {
    for (const release of this.releases) {
      const asset = release.assets.find((a) => a.id === id);
      if (asset) return { release, asset };
    }
    return undefined;
  }

  private handle(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const method = req.method ?? "GET";

    // storage (where an asset download redirects): no token needed, as on GitHub's CDN
    const stored = /^\/storage\/assets\/(\d+)$/.exec(url.pathname);
    if (stored && method === "GET") {
      const found = this.findAsset(Number(stored[1]));
      if (!found || url.searchParams.get("sig") !== "ok") return this.json(res, 404, { message: "Not Found" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": found.asset.bytes.length });
      res.end(found.asset.bytes);
      return;
    }

    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return this.json(res, 401, { message: "Bad credentials" });

    const prefix = `/repos/${this.owner}/${this.repo}`;
    const uploadPrefix = `/uploads${prefix}`;
    const path = url.pathname;

    const upload = new RegExp(`^${uploadPrefix}/releases/(\\d+)/assets$`).exec(path);
    if (upload && method === "POST") {
      const release = this.releases.find((r) => r.id === Number(upload[1]));
      if (!release) return this.json(res, 404, { message: "Not Found" });
      const name = url.searchParams.get("name");
      const type = req.headers["content-type"];
      const length = req.headers["content-length"];
      if (!name) return this.json(res, 422, { message: "name is required" });
      if (!type) return this.json(res, 422, { message: "content-type is required" });
      if (length === undefined || Number(length) !== body.length) return this.json(res, 400, { message: `content-length ${length} does not match ${body.length} bytes` });
      if (release.assets.some((a) => a.name === name)) return this.json(res, 422, { message: "Validation Failed", errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }] });
      const asset: FakeAsset = { id: this.nextId++, name, contentType: type, bytes: body };
      release.assets.push(asset);
      return this.json(res, 201, this.assetJson(asset));
    }

    if (path === prefix && method === "GET") {
      return this.json(res, 200, { name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: { login: this.owner }, default_branch: this.defaultBranch });
    }
    if (!path.startsWith(`${prefix}/`)) return this.json(res, 404, { message: "Not Found" });
    const rest = path.slice(prefix.length);
    let m: RegExpExecArray | null;

    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(m[1]);
      if (method === "GET") return this.page(res, url, this.commentsOn(issue).map((c) => this.commentJson(c)));
      if (method === "POST") {
        if (this.forbidCommentWrites) return this.json(res, 403, { message: "Resource not accessible by integration" });
        const { body: text } = JSON.parse(body.toString("utf8")) as { body: string };
        const c = { id: this.nextId++, issue, body: text, user: { login: "github-actions[bot]", type: "Bot" } };
        this.comments.push(c);
        return this.json(res, 201, this.commentJson(c));
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "PATCH") {
      if (this.forbidCommentWrites) return this.json(res, 403, { message: "Resource not accessible by integration" });
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return this.json(res, 404, { message: "Not Found" });
      c.body = (JSON.parse(body.toString("utf8")) as { body: string }).body;
      return this.json(res, 200, this.commentJson(c));
    }

    if (rest === "/pulls" && method === "GET") {
      const head = url.searchParams.get("head");
      const state = url.searchParams.get("state") ?? "open";
      const found = this.pulls.filter((p) => (head === null || p.head === head) && (state === "all" || p.state === state));
      return this.page(res, url, [...found].reverse().map((p) => this.pullJson(p)));
    }
    if (rest === "/pulls" && method === "POST") {
      const input = JSON.parse(body.toString("utf8")) as { head: string; base: string; title: string; body?: string };
      const head = input.head.includes(":") ? input.head : `${this.owner}:${input.head}`;
      if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === input.base)) {
        return this.json(res, 422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${head}.` }] });
      }
      const p: FakePull = { number: this.nextId++, head, base: input.base, title: input.title, body: input.body ?? "", state: "open" };
      this.pulls.push(p);
      return this.json(res, 201, this.pullJson(p));
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && (method === "PATCH" || method === "GET")) {
      const p = this.pulls.find((x) => x.number === Number(m![1]));
      if (!p) return this.json(res, 404, { message: "Not Found" });
      if (method === "PATCH") {
        const input = JSON.parse(body.toString("utf8")) as { title?: string; body?: string; state?: "open" | "closed" };
        if (input.title !== undefined) p.title = input.title;
        if (input.body !== undefined) p.body = input.body;
        if (input.state !== undefined) p.state = input.state;
      }
      return this.json(res, 200, this.pullJson(p));
    }

    if (rest === "/releases" && method === "GET") {
      // newest first, as GitHub lists them
      return this.page(res, url, [...this.releases].reverse().map((r) => this.releaseJson(r)));
    }
    if (rest === "/releases" && method === "POST") {
      const input = JSON.parse(body.toString("utf8")) as { tag_name: string; target_commitish?: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean };
      if (this.releases.some((r) => r.tag === input.tag_name)) {
        return this.json(res, 422, { message: "Validation Failed", errors: [{ resource: "Release", code: "already_exists", field: "tag_name" }] });
      }
      const r: FakeRelease = {
        id: this.nextId++,
        tag: input.tag_name,
        targetCommitish: input.target_commitish ?? "main",
        name: input.name ?? input.tag_name,
        body: input.body ?? "",
        draft: Boolean(input.draft),
        prerelease: Boolean(input.prerelease),
        assets: [],
      };
      this.releases.push(r);
      return this.json(res, 201, this.releaseJson(r));
    }
    if ((m = /^\/releases\/tags\/(.+)$/.exec(rest)) && method === "GET") {
      const tag = decodeURIComponent(m[1]!);
      // like GitHub: drafts are not returned by tag
      const r = this.releases.find((x) => x.tag === tag && !x.draft);
      return r ? this.json(res, 200, this.releaseJson(r)) : this.json(res, 404, { message: "Not Found" });
    }
    if ((m = /^\/releases\/(\d+)$/.exec(rest)) && method === "GET") {
      const r = this.releases.find((x) => x.id === Number(m![1]));
      return r ? this.json(res, 200, this.releaseJson(r)) : this.json(res, 404, { message: "Not Found" });
    }
    if ((m = /^\/releases\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const r = this.releases.find((x) => x.id === Number(m![1]));
      if (!r) return this.json(res, 404, { message: "Not Found" });
      const input = JSON.parse(body.toString("utf8")) as { draft?: boolean; name?: string; body?: string };
      if (input.draft !== undefined) r.draft = input.draft;
      if (input.name !== undefined) r.name = input.name;
      if (input.body !== undefined) r.body = input.body;
      return this.json(res, 200, this.releaseJson(r));
    }
    if ((m = /^\/releases\/assets\/(\d+)$/.exec(rest))) {
      const found = this.findAsset(Number(m[1]));
      if (!found) return this.json(res, 404, { message: "Not Found" });
      if (method === "DELETE") {
        found.release.assets = found.release.assets.filter((a) => a !== found.asset);
        res.writeHead(204);
        res.end();
        return;
      }
      if (method === "GET") {
        if (req.headers.accept === "application/octet-stream") {
          res.writeHead(302, { location: `${this.origin}/storage/assets/${found.asset.id}?sig=ok` });
          res.end();
          return;
        }
        return this.json(res, 200, this.assetJson(found.asset));
      }
    }
    return this.json(res, 404, { message: `Not Found: ${method} ${path}` });
  }
}

export interface FakeClient {
  octokit: Octokit;
  /** Every wait the client asked for between attempts, in milliseconds; none is actually waited. */
  waits: number[];
  /** The retry lines the client logged. */
  log: string[];
}

/** The Action's client (retries included) pointed at the fake; it waits for nothing, recording the waits. */
export function fakeClient(gh: FakeGitHub, options: Omit<GitHubClientOptions, "baseUrl"> = {}): FakeClient {
  const waits: number[] = [];
  const log: string[] = [];
  const octokit = createGitHubClient(gh.token, {
    baseUrl: gh.origin,
    sleep: async (ms) => void waits.push(ms),
    onRetry: (line) => void log.push(line),
    ...options,
  });
  return { octokit, waits, log };
}
