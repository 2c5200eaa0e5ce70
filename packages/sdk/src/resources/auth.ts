import type { TokenManager } from "../auth/token-manager.js";
import type { APIPromise } from "../core/api-promise.js";
import type { ApiRequest, HttpClient, RequestOptions } from "../core/http.js";
import { AuthenticationError } from "../errors.js";
import type { DeleteAccountParams, LoginParams, RegisterParams, TokenPair, User } from "../generated/api.js";

/**
 * The refresh request. Never retried: the server rotates refresh tokens, so repeating one whose answer was lost
 * would present a spent token and revoke the session.
 */
export const refreshRequest = (refresh: string): ApiRequest => ({
  method: "POST",
  path: "/api/auth/refresh/",
  body: { refresh },
  authenticated: false,
  idempotent: false,
});

/** Accounts and sessions. The client keeps the tokens that `login` and `refresh` return, and uses them. */
export class Auth {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: TokenManager,
  ) {}

  /** Creates an account; it does not log in. */
  register(params: RegisterParams, options?: RequestOptions): APIPromise<User> {
    const request: ApiRequest = {
      method: "POST",
      path: "/api/auth/register/",
      body: params,
      authenticated: false,
      idempotent: false,
    };
    return this.http.request<User>(request, options);
  }

  /** Logs in: the client uses (and the token store saves) the tokens from then on. */
  login(params: LoginParams, options?: RequestOptions): APIPromise<TokenPair> {
    // Safe to repeat: a lost answer only leaves an unused session that expires by itself.
    const request: ApiRequest = {
      method: "POST",
      path: "/api/auth/login/",
      body: params,
      authenticated: false,
      idempotent: true,
    };
    return this.http.request<TokenPair>(request, options).transform(async (tokens) => {
      await this.tokens.set(tokens);
      return tokens;
    });
  }

  /**
   * Rotates the tokens now. Rarely needed: the client refreshes by itself shortly before the access token
   * expires and when the server rejects it.
   */
  refresh(options?: Pick<RequestOptions, "signal">): Promise<TokenPair> {
    return this.tokens.rotate(options?.signal);
  }

  /** Revokes the session on the server (every token rotated from it) and forgets it locally. */
  async logout(options?: RequestOptions): Promise<void> {
    const refresh = await this.tokens.refreshToken();
    try {
      if (refresh !== undefined) {
        // Revoking twice is harmless, so a lost answer may be retried.
        const request: ApiRequest = {
          method: "POST",
          path: "/api/auth/logout/",
          body: { refresh },
          authenticated: false,
          idempotent: true,
        };
        await this.http.request<void>(request, options);
      }
    } catch (error) {
      // A token the server no longer accepts is a session that already ended: the logout has nothing to do.
      if (!(error instanceof AuthenticationError)) throw error;
    }
    await this.tokens.clear();
  }

  /**
   * Deletes the account and everything it owns (prompts, keys, sessions), on every instance at once; its event
   * streams end with ConnectionError (close code 4410). Takes the password again and a session: with an API key it is
   * PermissionDeniedError, with a wrong password AuthenticationError. The client forgets the session (the token
   * store too). Not retried: once the account is gone, a repeat could only fail.
   */
  deleteAccount(params: DeleteAccountParams, options?: RequestOptions): APIPromise<void> {
    const request: ApiRequest = {
      method: "DELETE",
      path: "/api/auth/me/",
      body: params,
      authenticated: true,
      idempotent: false,
    };
    return this.http.request<void>(request, options).transform(() => this.tokens.clear());
  }

  /** The logged-in user. */
  me(options?: RequestOptions): APIPromise<User> {
    return this.http.request<User>(
      { method: "GET", path: "/api/auth/me/", authenticated: true, idempotent: true },
      options,
    );
  }
}
