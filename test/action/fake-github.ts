/**
 * A loopback stand-in for the GitHub REST API, with in-memory state: issue comments (paginated
 * with Link headers), releases (list, get by tag, create, update), asset upload on the release's
 * upload_url, asset download answering 302 to a storage path, and asset deletion. Every request
 * is recorded. `forbidCommentWrites` makes comment writes answer 403, as a fork's token does.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export class FakeGitHub {
  origin = "";
  readonly comments: FakeComment[] = [];
  readonly releases: FakeRelease[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Comment writes answer 403, as a pull request from a fork's read-only token gets. */
  forbidCommentWrites = false;
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
        try {
          this.handle(req, Buffer.concat(chunks), res);
        } catch (e) {
          this.json(res, 500, { message: `fake github: ${(e as Error).message}` });
        }
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
    this.forbidCommentWrites = false;
  }

  addComment(issue: number, body: string, login = "someone"): FakeComment {
    const c = { id: this.nextId++, issue, body, user: { login, type: "User" } };
    this.comments.push(c);
    return c;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
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

  private findAsset(id: number): { release: FakeRelease; asset: FakeAsset } | undefined {
    for (const release of this.releases) {
      const asset = release.assets.find((a) => a.id === id);
      if (asset) return { release, asset };
    }
    return undefined;
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.origin);
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body });

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
