/**
 * The seam between the tool loop and a site's documents. Implementations: Azure AI Search
 * (`azure-search.ts`) and the embedded local index (`local/`). One shared suite tests both
 * (tests/gateway/retrieval/retriever.cases.ts).
 */

/** One passage of a site's knowledge base. */
export interface Passage {
  /** Stable id the model cites in `report_grounding`; safe to show, never read aloud. */
  id: string;
  title: string;
  /** Page URL, with the section anchor where known. */
  url?: string;
  content: string;
  /** Relevance; higher is better. Comparable only within one result list. */
  score: number;
}

export interface SearchOptions {
  /** How many passages at most (default: the site's `top`). */
  top?: number;
  /** Aborted when the site's `timeout_ms` passes or the session ends. */
  signal?: AbortSignal;
  /** (`page_context: boost`) The visitor's page: its passages, and its section's most, rank higher. */
  page?: PageBoost;
}

/** The page a search favours (page-boost.ts; docs/RETRIEVAL.md, "Page boost"). */
export interface PageBoost {
  /** Absolute URL of the page, with the section's `#anchor` where known. */
  url: string;
  /** Heading of the section in view. */
  section?: string;
  /** Azure AI Search: the scoring profile and its tag parameter that carry the boost. */
  scoring?: { profile: string; parameter: string };
}

export interface Retriever {
  /** Passages for a query, best first. Rejects on failure or abort; never hangs past the signal. */
  search(query: string, options?: SearchOptions): Promise<Passage[]>;
  /** Passages by id, for citations; unknown or invalid ids are left out, never an error. */
  resolve(ids: readonly string[], options?: { signal?: AbortSignal }): Promise<Passage[]>;
  /** Releases watchers, clients and timers. */
  close?(): Promise<void>;
}
