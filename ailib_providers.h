/* ailib_providers.h - provider and model catalog of ailib, as data.

   Two X-macro tables, expanded by ailib.h (section >>catalog) into ailib_provider_info and
   ailib_model_info arrays. Adding an OpenAI-compatible vendor is one P(...) row; adding a model is
   one M(...) row. Nothing here is code: no includes, no declarations. Rows can also be added or
   replaced at run time, without a new header: ailib_catalog_load() and $AILIB_CATALOG (a JSON
   file in the shape `ailib models --json` prints; see the >>catalog declarations in ailib.h).

   Provider rows  P(name, protocol, base_url, auth, api_key_env, base_url_env, default_model, quirks)
     name          lowercase id users type in "provider/model" strings; stable, never reused.
     base_url      no trailing slash; the adapter appends "/chat/completions", "/messages",
                   "/models/{m}:generateContent", "/api/chat", "/chat" or "/responses". "{ENV_VAR}"
                   placeholders are filled from the environment when a client is created (first;
                   then a trailing slash of the value before "/..." goes, and a missing scheme
                   becomes https://, or http:// for AILIB_AUTH_NONE rows).
     auth          AILIB_AUTH_NONE means "no key needed"; if api_key_env is set anyway the key is
                   optional and sent as Bearer when present (local servers, proxies, free tiers).
     api_key_env   the name(s) the provider's own SDK/docs use; several names are separated by one
                   space and the first one that is set wins (the order the official SDK uses when
                   both are set). NULL: no key at all. A comment says when the name is ailib's own.
     base_url_env  overrides base_url (OLLAMA_HOST follows the ollama CLI convention).
     default_model a current, generally available, low-cost chat model (or, for azure, the usual
                   deployment name; for local servers, a commonly served id; for embedding-only
                   providers, their general embedding model). Every default has a model row.
     quirks        AILIB_Q_* dialect flags, taken from the providers' API references; 0 when the
                   plain OpenAI dialect applies.
   Each row added or changed in the December 2026 review names its source and the date it was
   read (2026-12-02 unless another date is given) in a comment; "not verified" says where the
   stored documentation did not confirm a fact, rather than guessing one.

   Model rows  M(provider, model, context_window, max_output, caps, price_input,
                 price_cached_input, price_cache_write, price_output, price_date)
     model         the id as the provider's API spells it. Lookup is exact first, then the longest
                   catalog name that prefixes the requested one, within the same provider.
     tokens        context window and maximum output tokens; 0 = not published / unknown.
     caps          what the model takes (tools, images, reasoning, JSON schema, audio, embeddings).
                   Requests a row's caps exclude are refused before sending, so where the docs are
                   silent a row errs on the permissive side and its comment says so.
     prices        USD per million tokens, standard (non-batch) tier, short-context tier where the
                   provider bills long prompts higher. cache_write is a separate cache-creation price
                   (Anthropic: the 5-minute write); 0 when there is none. A row whose prices are all 0
                   is free or unknown: its comment says which.
     price_date    the date the price was read: 2026-11-22 or 2026-12-02 for prices confirmed on that
                   day through the providers' pages (or pages quoting them); otherwise the date the
                   source states.
   Prices change; ailib's cost feature lets callers override them from code and the environment, and
   ailib_catalog_load() replaces whole rows.

   Price rows  X(provider, model, free, cache_write_1h, long_above, long_input, long_cached_input,
                 long_cache_write, long_output)  (read by the cost feature, AILIB_ENABLE_COST)
     what a model row's four prices cannot say: one row per model that needs it, same lookup.
     free          1: the model costs nothing (its all-zero prices mean free, not unknown). A model
                   whose prices are all 0 without this is unknown: its cost says so, never 0.
     cache_write_1h USD per million tokens written to a 1-hour cache (Anthropic: 2 x input;
                   cache_write above is the 5-minute write); 0 = priced as cache_write.
     long_above    prompts of more input tokens than this (cached and written included) bill every
                   token of the call at the long_* prices; 0 = no long-context tier.
     long_*        the long-context prices; a long_ price of 0 keeps the standard one.
   Alias rows  A(provider, priced_as): a provider that serves another provider's models (the same
                 models through another protocol) is priced from that provider's rows.
   Batch rows  B(provider, factor)
     factor        batch-tier price = factor x standard price, for every token kind (the
                   providers' asynchronous batch APIs; ailib_cost options say when it applies). */
#ifndef AILIB_PROVIDERS_H_INCLUDED
#define AILIB_PROVIDERS_H_INCLUDED

/* P(name, protocol, base_url, auth, api_key_env, base_url_env, default_model, quirks) */
#define AILIB_PROVIDER_ROWS(P) \
    /* --- first-party APIs with their own protocol or the reference OpenAI dialect --- */ \
    P("openai",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.openai.com/v1", AILIB_AUTH_BEARER, "OPENAI_API_KEY", "OPENAI_BASE_URL", "gpt-6-luna", \
      AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT) \
    /* azure: the v1 API under the resource endpoint exactly as the portal shows it \
       ("https://<resource>.openai.azure.com/", trailing slash included; learn.microsoft.com Azure OpenAI \
       v1 API). The placeholder is filled first, then the slash before "/openai" and a missing https:// are fixed. */ \
    P("azure",        AILIB_PROTOCOL_OPENAI_CHAT, "{AZURE_OPENAI_ENDPOINT}/openai/v1", AILIB_AUTH_API_KEY_HEADER, "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_BASE_URL", "gpt-6-luna", \
      AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT) \
    /* azure-foundry: Foundry Models (DeepSeek, Grok, Llama, Mistral, ... deployments) through the same OpenAI v1 \
       API on "https://<resource>.services.ai.azure.com" (learn.microsoft.com Foundry Models endpoints; the Azure \
       AI Inference SDK retires 2026-08-26 in favour of it). Key variable from Microsoft's samples \
       (AZURE_INFERENCE_CREDENTIAL); the endpoint variable name is ailib's. The model is the deployment name. */ \
    P("azure-foundry", AILIB_PROTOCOL_OPENAI_CHAT, "{AZURE_INFERENCE_ENDPOINT}/openai/v1", AILIB_AUTH_API_KEY_HEADER, "AZURE_INFERENCE_CREDENTIAL", \
      "AZURE_INFERENCE_BASE_URL", "DeepSeek-R1-0528", 0) \
    P("anthropic",    AILIB_PROTOCOL_ANTHROPIC,   "https://api.anthropic.com/v1", AILIB_AUTH_X_API_KEY, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "claude-haiku-5-5", 0) \
    /* gemini: when both keys are set the official SDK (google-genai, _api_client.py) uses GOOGLE_API_KEY and \
       warns "Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY."; ailib follows it. */ \
    P("gemini",       AILIB_PROTOCOL_GEMINI,      "https://generativelanguage.googleapis.com/v1beta", AILIB_AUTH_GOOG_API_KEY, "GOOGLE_API_KEY GEMINI_API_KEY", "GEMINI_BASE_URL", \
      "gemini-3.5-flash-lite", 0) \
    /* vertex: Vertex AI in express mode (an API key, no project: cloud.google.com express-mode REST reference, \
       POST https://aiplatform.googleapis.com/v1/publishers/google/models/{m}:generateContent). The key goes in \
       x-goog-api-key, the header form of the ?key= the reference shows. The google-genai SDK reads GOOGLE_API_KEY \
       for express mode. Which models express mode serves is not listed: gemini-3.6-flash is GA on the platform. */ \
    P("vertex",       AILIB_PROTOCOL_GEMINI,      "https://aiplatform.googleapis.com/v1/publishers/google", AILIB_AUTH_GOOG_API_KEY, "GOOGLE_API_KEY", "VERTEX_BASE_URL", \
      "gemini-3.6-flash", 0) \
    /* vertex-openai: Vertex AI's OpenAI-compatible Chat Completions endpoint (cloud.google.com "Using OpenAI \
       libraries with Vertex AI", projects.locations.endpoints.chat/completions). It takes an OAuth access token \
       (`gcloud auth print-access-token`, valid one hour), not an API key; the variable name is ailib's. \
       Models are "google/<gemini model>". */ \
    P("vertex-openai", AILIB_PROTOCOL_OPENAI_CHAT, "https://aiplatform.googleapis.com/v1/projects/{GOOGLE_CLOUD_PROJECT}/locations/global/endpoints/openapi", \
      AILIB_AUTH_BEARER, "VERTEX_ACCESS_TOKEN", "VERTEX_OPENAI_BASE_URL", "google/gemini-3.6-flash", 0) \
    P("cohere",       AILIB_PROTOCOL_COHERE,      "https://api.cohere.com/v2", AILIB_AUTH_BEARER, "CO_API_KEY COHERE_API_KEY", "COHERE_BASE_URL", "command-a-plus-05-2026", 0) \
    P("openai-responses", AILIB_PROTOCOL_OPENAI_RESPONSES, "https://api.openai.com/v1", AILIB_AUTH_BEARER, "OPENAI_API_KEY", "OPENAI_BASE_URL", \
      "gpt-6-luna", AILIB_Q_REASONING_EFFORT) \
    /* Bedrock API keys (Bearer); SigV4-signed credentials are not supported */ \
    P("bedrock",      AILIB_PROTOCOL_BEDROCK,     "https://bedrock-runtime.{AWS_REGION}.amazonaws.com", AILIB_AUTH_BEARER, \
      "AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_BASE_URL", "us.amazon.nova-micro-v1:0", 0) \
    P("ollama",       AILIB_PROTOCOL_OLLAMA,      "http://localhost:11434", AILIB_AUTH_NONE, "OLLAMA_API_KEY", "OLLAMA_HOST", "llama3.2", 0) \
    P("ollama-cloud", AILIB_PROTOCOL_OLLAMA,      "https://ollama.com", AILIB_AUTH_BEARER, "OLLAMA_API_KEY", "OLLAMA_CLOUD_BASE_URL", "gpt-oss:120b", 0) \
    /* perplexity: the Sonar chat-completions API was retired on 2026-09-27; its replacement is the Agent API, \
       compatible with OpenAI's Responses API at https://api.perplexity.ai/v1 (POST /v1/responses is an alias of \
       the canonical /v1/agent; docs.perplexity.ai agent-api/openai-compatibility and migrate-from-sonar). Its \
       model ids are owner/model: Perplexity kept one Sonar slug, "perplexity/sonar" (the old tiers became \
       presets). Not verified: that the Agent API accepts "store": false, which ailib's Responses builder sends. */ \
    P("perplexity",   AILIB_PROTOCOL_OPENAI_RESPONSES, "https://api.perplexity.ai/v1", AILIB_AUTH_BEARER, "PERPLEXITY_API_KEY PPLX_API_KEY", "PERPLEXITY_BASE_URL", \
      "perplexity/sonar", AILIB_Q_OWNER_MODEL_IDS | AILIB_Q_REASONING_EFFORT) \
    /* --- OpenAI-compatible dialects --- */ \
    P("mistral",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.mistral.ai/v1", AILIB_AUTH_BEARER, "MISTRAL_API_KEY", "MISTRAL_BASE_URL", "mistral-small-latest", \
      AILIB_Q_TOOL_CHOICE_ANY | AILIB_Q_RANDOM_SEED | AILIB_Q_TOOL_ID9) \
    P("groq",         AILIB_PROTOCOL_OPENAI_CHAT, "https://api.groq.com/openai/v1", AILIB_AUTH_BEARER, "GROQ_API_KEY", "GROQ_BASE_URL", "openai/gpt-oss-120b", AILIB_Q_REASONING_EFFORT) \
    P("deepseek",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.deepseek.com", AILIB_AUTH_BEARER, "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", "deepseek-flash", \
      AILIB_Q_STREAM_OPTIONS | AILIB_Q_ECHO_REASONING | AILIB_Q_THINKING_TYPE | AILIB_Q_REASONING_EFFORT) \
    P("qwen",         AILIB_PROTOCOL_OPENAI_CHAT, "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", AILIB_AUTH_BEARER, "DASHSCOPE_API_KEY", "QWEN_BASE_URL", "qwen-flash", \
      AILIB_Q_ENABLE_THINKING | AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_REQUIRED_STREAM) \
    P("qwen-cn",      AILIB_PROTOCOL_OPENAI_CHAT, "https://dashscope.aliyuncs.com/compatible-mode/v1", AILIB_AUTH_BEARER, "DASHSCOPE_API_KEY", "QWEN_CN_BASE_URL", "qwen-flash", \
      AILIB_Q_ENABLE_THINKING | AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_REQUIRED_STREAM) \
    /* kimi: kimi-k3 takes top-level reasoning_effort (low, high or max, default max; medium runs as high) and \
       always thinks; k2.6/k2.5 think by default and take thinking {"type":"disabled"} (AgentScope's Kimi \
       integration notes, 2026; Moonshot's K3.1 Pro parameter reference as summarised by AIHubMix, 2026-10-24). \
       On kimi-* models temperature, top_p, n and the penalties are fixed ("400 invalid temperature: only 1 is \
       allowed for this model"): fixed_sampling leaves them out for catalog reasoning models (moonshot-v1 keeps \
       them). A forced tool_choice while thinking answers 400 "tool_choice ... is incompatible with thinking \
       enabled" (harn credentialed probe, 2026-07-18): no_forced_tool_thinking refuses it before sending. */ \
    P("kimi",         AILIB_PROTOCOL_OPENAI_CHAT, "https://api.moonshot.ai/v1", AILIB_AUTH_BEARER, "MOONSHOT_API_KEY", "MOONSHOT_BASE_URL", "kimi-k2.6", \
      AILIB_Q_ECHO_REASONING | AILIB_Q_THINKING_TYPE | AILIB_Q_REASONING_EFFORT | AILIB_Q_FIXED_SAMPLING | AILIB_Q_NO_FORCED_TOOL_THINKING) \
    P("kimi-cn",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.moonshot.cn/v1", AILIB_AUTH_BEARER, "MOONSHOT_API_KEY", "MOONSHOT_CN_BASE_URL", "kimi-k2.6", \
      AILIB_Q_ECHO_REASONING | AILIB_Q_THINKING_TYPE | AILIB_Q_REASONING_EFFORT | AILIB_Q_FIXED_SAMPLING | AILIB_Q_NO_FORCED_TOOL_THINKING) \
    P("xai",          AILIB_PROTOCOL_OPENAI_CHAT, "https://api.x.ai/v1", AILIB_AUTH_BEARER, "XAI_API_KEY", "XAI_BASE_URL", "grok-4.3", AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT) \
    P("openrouter",   AILIB_PROTOCOL_OPENAI_CHAT, "https://openrouter.ai/api/v1", AILIB_AUTH_BEARER, "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "openai/gpt-6-luna", \
      AILIB_Q_REASONING_OBJECT | AILIB_Q_STREAM_OPTIONS) \
    P("qianfan",      AILIB_PROTOCOL_OPENAI_CHAT, "https://qianfan.baidubce.com/v2", AILIB_AUTH_BEARER, "QIANFAN_API_KEY", "QIANFAN_BASE_URL", "ernie-5.1", AILIB_Q_STREAM_OPTIONS) \
    P("hunyuan",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.hunyuan.cloud.tencent.com/v1", AILIB_AUTH_BEARER, "HUNYUAN_API_KEY", "HUNYUAN_BASE_URL", "hunyuan-turbos-latest", \
      AILIB_Q_STREAM_OPTIONS) \
    P("spark",        AILIB_PROTOCOL_OPENAI_CHAT, "https://spark-api-open.xf-yun.com/v1", AILIB_AUTH_BEARER, "SPARK_API_PASSWORD", "SPARK_BASE_URL", "generalv3.5", AILIB_Q_BODY_ERROR_CODE) \
    /* zai (international) before zhipu (China): a bare "glm-4.7-flash" goes to the first in catalog order */ \
    P("zai",          AILIB_PROTOCOL_OPENAI_CHAT, "https://api.z.ai/api/paas/v4", AILIB_AUTH_BEARER, "ZAI_API_KEY", "ZAI_BASE_URL", "glm-4.7-flash", AILIB_Q_THINKING_TYPE) \
    P("zhipu",        AILIB_PROTOCOL_OPENAI_CHAT, "https://open.bigmodel.cn/api/paas/v4", AILIB_AUTH_BEARER, "ZHIPUAI_API_KEY ZHIPU_API_KEY", "ZHIPU_BASE_URL", "glm-4.7-flash", \
      AILIB_Q_THINKING_TYPE) \
    P("doubao",       AILIB_PROTOCOL_OPENAI_CHAT, "https://ark.cn-beijing.volces.com/api/v3", AILIB_AUTH_BEARER, "ARK_API_KEY", "ARK_BASE_URL", "doubao-seed-2-0-pro-260215", \
      AILIB_Q_STREAM_OPTIONS | AILIB_Q_THINKING_TYPE) \
    /* byteplus: BytePlus ModelArk, Ark for international customers (Southeast Asia region; keys belong to one \
       region). Bearer ARK_API_KEY, chat at /api/v3/chat/completions, reasoning through Ark's thinking switch \
       (docs.getbifrost.ai BytePlus page; arkruntime SDK on PyPI, whose BytePlus example model is \
       seed-2-0-lite-260428). */ \
    P("byteplus",     AILIB_PROTOCOL_OPENAI_CHAT, "https://ark.ap-southeast.bytepluses.com/api/v3", AILIB_AUTH_BEARER, "ARK_API_KEY", "BYTEPLUS_BASE_URL", \
      "seed-2-0-lite-260428", AILIB_Q_STREAM_OPTIONS | AILIB_Q_THINKING_TYPE) \
    P("together",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.together.xyz/v1", AILIB_AUTH_BEARER, "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "openai/gpt-oss-120b", AILIB_Q_THINK_TAGS) \
    P("fireworks",    AILIB_PROTOCOL_OPENAI_CHAT, "https://api.fireworks.ai/inference/v1", AILIB_AUTH_BEARER, "FIREWORKS_API_KEY", "FIREWORKS_BASE_URL", \
      "accounts/fireworks/models/gpt-oss-120b", AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT | AILIB_Q_THINK_TAGS) \
    P("huggingface",  AILIB_PROTOCOL_OPENAI_CHAT, "https://router.huggingface.co/v1", AILIB_AUTH_BEARER, "HF_TOKEN HUGGING_FACE_HUB_TOKEN", "HF_BASE_URL", "openai/gpt-oss-120b", \
      AILIB_Q_THINK_TAGS | AILIB_Q_REASONING_EFFORT) \
    P("cerebras",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.cerebras.ai/v1", AILIB_AUTH_BEARER, "CEREBRAS_API_KEY", "CEREBRAS_BASE_URL", "gpt-oss-120b", AILIB_Q_REASONING_EFFORT) \
    P("sambanova",    AILIB_PROTOCOL_OPENAI_CHAT, "https://api.sambanova.ai/v1", AILIB_AUTH_BEARER, "SAMBANOVA_API_KEY", "SAMBANOVA_BASE_URL", "gpt-oss-120b", 0) \
    P("deepinfra",    AILIB_PROTOCOL_OPENAI_CHAT, "https://api.deepinfra.com/v1/openai", AILIB_AUTH_BEARER, "DEEPINFRA_API_KEY", "DEEPINFRA_BASE_URL", "openai/gpt-oss-120b", \
      AILIB_Q_REASONING_EFFORT) \
    P("nebius",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.tokenfactory.nebius.com/v1", AILIB_AUTH_BEARER, "NEBIUS_API_KEY", "NEBIUS_BASE_URL", "openai/gpt-oss-120b", AILIB_Q_REASONING_EFFORT) \
    P("novita",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.novita.ai/openai", AILIB_AUTH_BEARER, "NOVITA_API_KEY", "NOVITA_BASE_URL", "openai/gpt-oss-120b", 0) \
    P("siliconflow",  AILIB_PROTOCOL_OPENAI_CHAT, "https://api.siliconflow.com/v1", AILIB_AUTH_BEARER, "SILICONFLOW_API_KEY", "SILICONFLOW_BASE_URL", "Qwen/Qwen3-8B", AILIB_Q_ENABLE_THINKING) \
    P("siliconflow-cn", AILIB_PROTOCOL_OPENAI_CHAT, "https://api.siliconflow.cn/v1", AILIB_AUTH_BEARER, "SILICONFLOW_CN_API_KEY SILICONFLOW_API_KEY", "SILICONFLOW_CN_BASE_URL", \
      "Qwen/Qwen3-8B", AILIB_Q_ENABLE_THINKING) \
    P("nvidia",       AILIB_PROTOCOL_OPENAI_CHAT, "https://integrate.api.nvidia.com/v1", AILIB_AUTH_BEARER, "NVIDIA_API_KEY", "NVIDIA_BASE_URL", "openai/gpt-oss-120b", 0) \
    P("github",       AILIB_PROTOCOL_OPENAI_CHAT, "https://models.github.ai/inference", AILIB_AUTH_BEARER, "GITHUB_TOKEN", "GITHUB_MODELS_BASE_URL", "openai/gpt-4.1-mini", 0) \
    P("minimax",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.minimax.io/v1", AILIB_AUTH_BEARER, "MINIMAX_API_KEY", "MINIMAX_BASE_URL", "MiniMax-M3", \
      AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_NO_TOOL_CHOICE | AILIB_Q_THINK_TAGS) \
    P("minimax-cn",   AILIB_PROTOCOL_OPENAI_CHAT, "https://api.minimaxi.com/v1", AILIB_AUTH_BEARER, "MINIMAX_API_KEY", "MINIMAX_CN_BASE_URL", "MiniMax-M3", \
      AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_NO_TOOL_CHOICE | AILIB_Q_THINK_TAGS) \
    P("stepfun",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.stepfun.com/v1", AILIB_AUTH_BEARER, "STEPFUN_API_KEY", "STEPFUN_BASE_URL", "step-3.7-flash", AILIB_Q_REASONING_EFFORT) \
    P("baichuan",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.baichuan-ai.com/v1", AILIB_AUTH_BEARER, "BAICHUAN_API_KEY", "BAICHUAN_BASE_URL", "Baichuan4-Turbo", 0) \
    P("cloudflare",   AILIB_PROTOCOL_OPENAI_CHAT, "https://api.cloudflare.com/client/v4/accounts/{CLOUDFLARE_ACCOUNT_ID}/ai/v1", AILIB_AUTH_BEARER, \
      "CLOUDFLARE_API_TOKEN CLOUDFLARE_API_KEY", "CLOUDFLARE_BASE_URL", "@cf/openai/gpt-oss-120b", 0) \
    P("vercel",       AILIB_PROTOCOL_OPENAI_CHAT, "https://ai-gateway.vercel.sh/v1", AILIB_AUTH_BEARER, "AI_GATEWAY_API_KEY", "AI_GATEWAY_BASE_URL", "openai/gpt-6-luna", AILIB_Q_REASONING_OBJECT) \
    P("llama",        AILIB_PROTOCOL_OPENAI_CHAT, "https://api.llama.com/compat/v1", AILIB_AUTH_BEARER, "LLAMA_API_KEY", "LLAMA_BASE_URL", "Llama-4-Maverick-17B-128E-Instruct-FP8", 0) \
    /* --- hosted open-weight models and other clouds, added in the December 2026 review --- */ \
    /* baseten: Model APIs, OpenAI-compatible at https://inference.baseten.co/v1, BASETEN_API_KEY as Bearer \
       (ai-sdk.dev Baseten provider; docs.litellm.ai Baseten page, whose example is openai/gpt-oss-120b). */ \
    P("baseten",      AILIB_PROTOCOL_OPENAI_CHAT, "https://inference.baseten.co/v1", AILIB_AUTH_BEARER, "BASETEN_API_KEY", "BASETEN_BASE_URL", "openai/gpt-oss-120b", 0) \
    /* databricks: Foundation Model APIs through the workspace's serving endpoints, queried with the OpenAI \
       client and a personal access token (docs.databricks.com "Use foundation models"); the model is the \
       serving endpoint name. DATABRICKS_HOST/DATABRICKS_TOKEN are the Databricks CLI and SDK names. The endpoint \
       name databricks-gpt-oss-120b is not verified against the stored docs. */ \
    P("databricks",   AILIB_PROTOCOL_OPENAI_CHAT, "{DATABRICKS_HOST}/serving-endpoints", AILIB_AUTH_BEARER, "DATABRICKS_TOKEN", "DATABRICKS_BASE_URL", \
      "databricks-gpt-oss-120b", 0) \
    /* friendli: Friendli Serverless Endpoints, FRIENDLI_TOKEN (friendli-client on PyPI, ai-sdk.dev FriendliAI \
       provider; its example model meta-llama-3.1-8b-instruct). The base URL is the one Friendli documents for \
       OpenAI clients; it was not found in the stored corpus: not verified. */ \
    P("friendli",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.friendli.ai/serverless/v1", AILIB_AUTH_BEARER, "FRIENDLI_TOKEN", "FRIENDLI_BASE_URL", \
      "meta-llama-3.1-8b-instruct", 0) \
    /* hyperbolic: https://api.hyperbolic.xyz/v1/chat/completions with Bearer HYPERBOLIC_API_KEY (Helicone's \
       Hyperbolic guide; rig's Hyperbolic client); the default model is the one in those examples. */ \
    P("hyperbolic",   AILIB_PROTOCOL_OPENAI_CHAT, "https://api.hyperbolic.xyz/v1", AILIB_AUTH_BEARER, "HYPERBOLIC_API_KEY", "HYPERBOLIC_BASE_URL", "Qwen/Qwen2.5-72B-Instruct", 0) \
    /* nscale: Serverless Inference, OpenAI-compatible at https://inference.api.nscale.com/v1 (Nscale's API \
       catalogue entry, docs.nscale.com); the key variable name is ailib's (none found in the docs). */ \
    P("nscale",       AILIB_PROTOCOL_OPENAI_CHAT, "https://inference.api.nscale.com/v1", AILIB_AUTH_BEARER, "NSCALE_API_KEY", "NSCALE_BASE_URL", \
      "meta-llama/Llama-4-Scout-17B-16E-Instruct", 0) \
    /* featherless: https://api.featherless.ai/v1, Bearer FEATHERLESS_API_KEY (featherless.ai docs quickstart and \
       API overview, whose example model is Qwen/Qwen2.5-7B-Instruct); optional HTTP-Referer/X-Title. */ \
    P("featherless",  AILIB_PROTOCOL_OPENAI_CHAT, "https://api.featherless.ai/v1", AILIB_AUTH_BEARER, "FEATHERLESS_API_KEY", "FEATHERLESS_BASE_URL", "Qwen/Qwen2.5-7B-Instruct", 0) \
    /* parasail: https://api.parasail.io/v1 (chat/completions, models), Bearer key, "fully OpenAI-compatible" \
       (docs.parasail.io API reference, Authentication page, as quoted by NeuroLink's and Bifrost's provider \
       guides, read 2026-12-02); the default model and its price are those of Lava's gateway page for Parasail. */ \
    P("parasail",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.parasail.io/v1", AILIB_AUTH_BEARER, "PARASAIL_API_KEY", "PARASAIL_BASE_URL", "parasail-llama-33-70b-fp8", 0) \
    /* chutes: https://llm.chutes.ai/v1, Authorization: Bearer cpk_... from CHUTES_API_KEY (chutes.ai agent \
       quickstarts, catalog checked 2026-06-25; X-API-Key is ignored for inference). */ \
    P("chutes",       AILIB_PROTOCOL_OPENAI_CHAT, "https://llm.chutes.ai/v1", AILIB_AUTH_BEARER, "CHUTES_API_KEY", "CHUTES_BASE_URL", "Qwen/Qwen3-32B-TEE", 0) \
    /* scaleway: Generative APIs, https://api.scaleway.ai/v1 with Bearer SCW_SECRET_KEY (scaleway.com docs \
       "Using Chat API"); a project-scoped form https://api.scaleway.ai/<project>/v1 also exists. */ \
    P("scaleway",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.scaleway.ai/v1", AILIB_AUTH_BEARER, "SCW_SECRET_KEY", "SCALEWAY_BASE_URL", "mistral-small-3.2-24b-instruct-2506", 0) \
    /* ovhcloud: AI Endpoints, https://oai.endpoints.kepler.ai.cloud.ovh.net/v1; usable without a key at a low \
       rate limit, so the key is optional (llamaindex and Strands OVHcloud pages; OVH_AI_ENDPOINTS_ACCESS_TOKEN \
       from docs.docker.com's OVHcloud provider page). */ \
    P("ovhcloud",     AILIB_PROTOCOL_OPENAI_CHAT, "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1", AILIB_AUTH_NONE, "OVH_AI_ENDPOINTS_ACCESS_TOKEN", "OVHCLOUD_BASE_URL", \
      "gpt-oss-120b", 0) \
    /* venice: POST https://api.venice.ai/api/v1/chat/completions with Bearer VENICE_API_KEY (docs.venice.ai model \
       pages); requests are anonymised toward the model's provider. */ \
    P("venice",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.venice.ai/api/v1", AILIB_AUTH_BEARER, "VENICE_API_KEY", "VENICE_BASE_URL", "gemini-3-6-flash", 0) \
    /* inception: Mercury diffusion models at https://api.inceptionlabs.ai/v1 with Bearer INCEPTION_API_KEY \
       (mastra.ai Inception provider, ruby_llm-agents); Inception's own docs are not in the stored corpus. */ \
    P("inception",    AILIB_PROTOCOL_OPENAI_CHAT, "https://api.inceptionlabs.ai/v1", AILIB_AUTH_BEARER, "INCEPTION_API_KEY", "INCEPTION_BASE_URL", "mercury-3", 0) \
    /* modelscope: API-Inference, https://api-inference.modelscope.cn/v1 with the ModelScope access token as Bearer \
       (modelscope.cn/docs/model-service/API-Inference via gitguardian's detector page; MODELSCOPE_SDK_TOKEN is the \
       name LangChain's and CAMEL's ModelScope integrations read). */ \
    P("modelscope",   AILIB_PROTOCOL_OPENAI_CHAT, "https://api-inference.modelscope.cn/v1", AILIB_AUTH_BEARER, "MODELSCOPE_SDK_TOKEN MODELSCOPE_API_KEY", "MODELSCOPE_BASE_URL", \
      "Qwen/Qwen3-32B", 0) \
    /* xiaomi: Xiaomi MiMo open platform, OpenAI-compatible at https://api.xiaomimimo.com/v1 with Bearer \
       XIAOMI_API_KEY (docs.openclaw.ai Xiaomi provider; MiMo's own console docs not in the stored corpus). */ \
    P("xiaomi",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.xiaomimimo.com/v1", AILIB_AUTH_BEARER, "XIAOMI_API_KEY", "XIAOMI_BASE_URL", "mimo-v2-flash", 0) \
    /* sarvam: POST https://api.sarvam.ai/v1/chat/completions; the api-subscription-key is also accepted as \
       Authorization: Bearer on every endpoint (docs.sarvam.ai authentication and chat-completions reference). \
       Reasoning arrives in reasoning_content. */ \
    P("sarvam",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.sarvam.ai/v1", AILIB_AUTH_BEARER, "SARVAM_API_KEY", "SARVAM_BASE_URL", "sarvam-105b", 0) \
    /* ai21: Jamba chat at POST /studio/v1/chat/completions, Bearer AI21_API_KEY, SSE ending in [DONE] \
       (docs.ai21.com Jamba API reference as cited by NeuroLink, read 2026-09-29; promptfoo's AI21 page). */ \
    P("ai21",         AILIB_PROTOCOL_OPENAI_CHAT, "https://api.ai21.com/studio/v1", AILIB_AUTH_BEARER, "AI21_API_KEY", "AI21_BASE_URL", "jamba-mini", 0) \
    /* --- embeddings only --- */ \
    /* voyage: https://api.voyageai.com/v1/embeddings, Bearer VOYAGE_API_KEY (Voyage's Python library and the \
       AI SDK Voyage provider). Its embeddings API takes output_dimension and no "float" encoding_format. */ \
    P("voyage",       AILIB_PROTOCOL_OPENAI_CHAT, "https://api.voyageai.com/v1", AILIB_AUTH_BEARER, "VOYAGE_API_KEY", "VOYAGE_BASE_URL", "voyage-3.5", \
      AILIB_Q_NO_ENCODING_FORMAT | AILIB_Q_OUTPUT_DIMENSION) \
    /* jina: https://api.jina.ai/v1/embeddings, Bearer JINA_API_KEY; jina-embeddings-v4 is the recommended model \
       (qdrant.tech Jina page). Its own field is embedding_type, so no OpenAI encoding_format is sent. */ \
    P("jina",         AILIB_PROTOCOL_OPENAI_CHAT, "https://api.jina.ai/v1", AILIB_AUTH_BEARER, "JINA_API_KEY", "JINA_BASE_URL", "jina-embeddings-v4", AILIB_Q_NO_ENCODING_FORMAT) \
    /* --- gateways --- */ \
    /* litellm: a LiteLLM proxy you run (default http://localhost:4000, OpenAI-compatible; docs.litellm.ai); the \
       key is a proxy key (master or virtual), optional for an open proxy. LITELLM_PROXY_API_KEY and \
       LITELLM_PROXY_API_BASE are the names LiteLLM's own litellm_proxy provider reads. Model names are the \
       proxy's config (gpt-4o-mini as in its quickstart). */ \
    P("litellm",      AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:4000/v1", AILIB_AUTH_NONE, "LITELLM_PROXY_API_KEY LITELLM_API_KEY", "LITELLM_PROXY_API_BASE", "gpt-4o-mini", 0) \
    /* cloudflare-gateway: AI Gateway's OpenAI-compatible endpoint .../v1/{account}/{gateway}/compat with models as \
       "{provider}/{model}" and the upstream provider's key as Bearer (developers.cloudflare.com AI Gateway \
       OpenAI compatibility, 2025-06-03 changelog). The key variable name is OpenClaw's; an authenticated gateway \
       also needs cf-aig-authorization, which ailib does not send. */ \
    P("cloudflare-gateway", AILIB_PROTOCOL_OPENAI_CHAT, "https://gateway.ai.cloudflare.com/v1/{CLOUDFLARE_ACCOUNT_ID}/{CLOUDFLARE_GATEWAY_ID}/compat", AILIB_AUTH_BEARER, \
      "CLOUDFLARE_AI_GATEWAY_API_KEY", "CLOUDFLARE_GATEWAY_BASE_URL", "openai/gpt-6-luna", 0) \
    /* requesty: https://router.requesty.ai/v1, REQUESTY_API_KEY, models as provider/model (Aurelio's RequestyLLM \
       docs; hindsight's Requesty provider, tested live against router.requesty.ai with openai/gpt-4o-mini). */ \
    P("requesty",     AILIB_PROTOCOL_OPENAI_CHAT, "https://router.requesty.ai/v1", AILIB_AUTH_BEARER, "REQUESTY_API_KEY", "REQUESTY_BASE_URL", "openai/gpt-4o-mini", 0) \
    /* helicone: Helicone AI Gateway, https://ai-gateway.helicone.ai/v1, only HELICONE_API_KEY (credits, no provider \
       keys); HELICONE_API_BASE overrides (docs.helicone.ai gateway overview and LlamaIndex integration). */ \
    P("helicone",     AILIB_PROTOCOL_OPENAI_CHAT, "https://ai-gateway.helicone.ai/v1", AILIB_AUTH_BEARER, "HELICONE_API_KEY", "HELICONE_API_BASE", "gpt-4o-mini", 0) \
    /* --- local servers: no key needed; a key set in the named variable is sent as Bearer --- */ \
    P("lmstudio",     AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:1234/v1", AILIB_AUTH_NONE, "LMSTUDIO_API_KEY", "LMSTUDIO_BASE_URL", "openai/gpt-oss-20b", 0) \
    P("vllm",         AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:8000/v1", AILIB_AUTH_NONE, "VLLM_API_KEY", "VLLM_BASE_URL", "Qwen/Qwen3-8B", AILIB_Q_STREAM_OPTIONS) \
    P("llamacpp",     AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:8080/v1", AILIB_AUTH_NONE, "LLAMACPP_API_KEY", "LLAMACPP_BASE_URL", "default", 0) \
    /* docker: Docker Model Runner's engine-neutral OpenAI endpoint http://localhost:12434/engines/v1 (host TCP \
       access enabled); no key is checked (Spring AI and Kestra Docker Model Runner pages; models ai/<name>). */ \
    P("docker",       AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:12434/engines/v1", AILIB_AUTH_NONE, NULL, "DOCKER_MODEL_RUNNER_BASE_URL", "ai/smollm2", 0) \
    /* llamafile: a llamafile in server mode serves http://localhost:8080/v1, model LLaMA_CPP (promptfoo's \
       llamafile page); it shares llama.cpp's default port, so run one or set LLAMAFILE_BASE_URL. */ \
    P("llamafile",    AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:8080/v1", AILIB_AUTH_NONE, NULL, "LLAMAFILE_BASE_URL", "LLaMA_CPP", 0) \
    /* xinference: Xorbits Inference's OpenAI-compatible API on its default port 9997; the model is the uid a \
       model was launched with. Not verified: Xinference's docs are not in the stored corpus. */ \
    P("xinference",   AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:9997/v1", AILIB_AUTH_NONE, "XINFERENCE_API_KEY", "XINFERENCE_BASE_URL", "qwen2.5-instruct", 0)

/* M(provider, model, context_window, max_output, caps, price_input, price_cached_input, price_cache_write, price_output, price_date) */
#define AILIB_MODEL_ROWS(M) \
    /* openai - developers.openai.com/api/docs/models/<id> and /api/docs/pricing (Standard tier, <=272K input; \
       longer prompts bill input/cache x2, output x1.5). GPT-6 Sol/Luna on Chat Completions call tools only with \
       reasoning_effort "none"; GPT-6.1+ Sol and 6.2 Astra reject "none". */ \
    /* gpt-6.2-astra: $8 / $40, cached input 60% below GPT-6 Astra's $1 = $0.40 (LiteLLM's day-0 post #52347 and \
       OpenAI's model page as quoted by Apidog, 2026-11-18). The cache-write price was published nowhere found on \
       2026-12-02: 10.00 is derived from OpenAI's rule for the GPT-6 family, writes at 1.25 x input (Astra 12.50 \
       on 10, 6.2 Sol 2.50 on 2, Luna 0.125 on 0.10), not read. */ \
    M("openai", "gpt-6.2-astra", 1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 8.00, 0.40, 10.00, 40.00, "2026-12-02") \
    M("openai", "gpt-6.2-sol",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.10, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6.1-sol",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.10, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6-astra",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 10.00, 1.00, 12.50, 50.00, "2026-11-22") \
    M("openai", "gpt-6-sol",     1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.20, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6-luna",    1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.10, 0.01, 0.125, 0.50, "2026-11-22") \
    M("openai", "gpt-4.1-mini",  1047576, 32768, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.40, 0.10, 0, 1.60, "2026-07-02") \
    M("openai", "gpt-4o-mini",   128000, 16384, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.15, 0.075, 0, 0.60, "2026-07-02") \
    M("openai", "text-embedding-3-small", 8191, 0, AILIB_CAP_EMBEDDING, 0.02, 0, 0, 0, "2026-07-02") \
    M("openai", "text-embedding-3-large", 8191, 0, AILIB_CAP_EMBEDDING, 0.13, 0, 0, 0, "2026-07-02") \
    /* openai-responses - the same models over the Responses API, billed as above */ \
    M("openai-responses", "gpt-6-luna", 1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.10, 0.01, 0.125, 0.50, "2026-11-22") \
    /* azure - a deployment of the OpenAI model; Azure's own price sheet was not read: prices not verified (0) */ \
    M("azure", "gpt-6-luna", 1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* azure-foundry - DeepSeek-R1-0528 (learn.microsoft.com Foundry DeepSeek-R1 tutorial: a reasoning model); \
       context, output limit and Foundry's price not verified (0) */ \
    M("azure-foundry", "DeepSeek-R1-0528", 0, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* anthropic - platform.claude.com/docs/en/about-claude/pricing and models/<id>/overview (cached = cache hits, \
       write = 5m cache write). Sonnet 5.5 cache reads were cut from $0.20 to $0.10 on 2026-10-07. Haiku 5.5: prompts \
       up to 100K tokens; longer prompts bill 0.50 / 0.05 / 0.625 / 2.50. */ \
    M("anthropic", "claude-fable-5-1",  1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 10.00, 0.25, 12.50, 50.00, "2026-11-22") \
    M("anthropic", "claude-opus-5-5",   1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 4.00, 0.20, 5.00, 20.00, "2026-11-22") \
    M("anthropic", "claude-opus-5",     1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 5.00, 0.50, 6.25, 25.00, "2026-11-22") \
    M("anthropic", "claude-sonnet-5-5", 1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.10, 2.50, 10.00, "2026-11-22") \
    M("anthropic", "claude-sonnet-5",   1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.20, 2.50, 10.00, "2026-11-22") \
    M("anthropic", "claude-haiku-5-5",  1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.10, 0.01, 0.125, 0.50, "2026-11-22") \
    M("anthropic", "claude-haiku-4-5",  200000, 64000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 1.00, 0.10, 1.25, 5.00, "2026-11-22") \
    M("anthropic", "claude-sonnet-4-5", 200000, 64000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 3.00, 0.30, 3.75, 15.00, "2026-11-22") \
    /* gemini - ai.google.dev/gemini-api/docs/pricing (paid tier) and models/<id>. 3.6, 3.7 and 3.8 Flash bill Google's \
       introductory rate through 2026-12-31 ("$0.75 through December 31, 2026"; agent-telemetry v1.6.6 notes: \
       "3.6 to 3.8 Flash use Google's promo rate ... doubles on 2027-01-01", 2026-09-30): 0.75 / 0.075 / 3.75, then \
       1.50 / 0.15 / 7.50. Pro: prompts > 200K bill 4.00 / 18.00. */ \
    M("gemini", "gemini-3.8-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.75, 0.075, 0, 3.75, "2026-11-22") \
    M("gemini", "gemini-3.6-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.75, 0.075, 0, 3.75, "2026-12-02") \
    M("gemini", "gemini-3.5-flash-lite", 1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.30, 0.03, 0, 2.50, "2026-11-22") \
    /* gemini-3.1-pro-preview: cached-input price not found: left 0 */ \
    M("gemini", "gemini-3.1-pro-preview", 1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 2.00, 0, 0, 12.00, "2026-10-07") \
    /* gemini-2.5-flash: shut down on the Gemini API on 2026-12-01; requests to it are now served by \
       gemini-3.5-flash-lite and billed at its rates (ai.google.dev deprecations as read on 2026-11-10 by \
       aideprecations.com). The row stays so old code keeps its checks, with the rates actually billed. */ \
    M("gemini", "gemini-2.5-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.30, 0.03, 0, 2.50, "2026-12-02") \
    M("gemini", "gemini-embedding-2",    8192, 0, AILIB_CAP_EMBEDDING, 0.20, 0, 0, 0, "2026-10-07") \
    M("gemini", "gemini-embedding-001",  2048, 0, AILIB_CAP_EMBEDDING, 0.15, 0, 0, 0, "2025-07-14") \
    /* vertex / vertex-openai - gemini-3.6-flash on the Gemini Enterprise Agent Platform: 1,048,576 context, 65,536 \
       output (docs.cloud.google.com developer guide for Gemini 3.6 Flash); Vertex prices not verified (0) */ \
    M("vertex", "gemini-3.6-flash",        1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0, 0, 0, 0, "2026-12-02") \
    M("vertex-openai", "google/gemini-3.6-flash", 1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* mistral - docs.mistral.ai model cards and mistral.ai pricing (Medium 3.5 card; cached-input prices as quoted \
       from docs.mistral.ai/inference/pricing on 2026-09-29). Medium 3.5 max output not published. */ \
    M("mistral", "mistral-medium-3.5",   262144, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 1.50, 0, 0, 7.50, "2026-11-22") \
    M("mistral", "mistral-small-latest", 256000, 256000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.15, 0.015, 0, 0.60, "2026-09-29") \
    M("mistral", "mistral-large-latest", 262144, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.50, 0.05, 0, 1.50, "2026-09-29") \
    M("mistral", "ministral-8b-latest",  128000, 128000, AILIB_CAP_TOOLS, 0.10, 0, 0, 0.10, "2026-07-02") \
    M("mistral", "mistral-embed",        8000, 0, AILIB_CAP_EMBEDDING, 0.10, 0, 0, 0, "2026-07-02") \
    /* deepseek - api-docs.deepseek.com/quick_start/pricing (USD). Peak rates (01:00-04:00 and 06:00-10:00 UTC, \
       Mon-Fri); off-peak is half. deepseek-flash = DeepSeek-V4.1-Flash; deepseek-chat/-reasoner were retired. */ \
    M("deepseek", "deepseek-flash",  1048576, 393216, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.30, 0.006, 0, 1.20, "2026-11-22") \
    M("deepseek", "deepseek-v4-pro", 1048576, 393216, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 1.32, 0.044, 0, 3.96, "2026-11-22") \
    /* xai - docs.x.ai/developers/<model> and xAI pricing as quoted by gateways; prompts > ~200K tokens bill input x2. \
       grok-4.x has no separate output limit (0 here). */ \
    /* grok-4.7: $2.00 / cached $0.50 / $6.00 under 200K tokens, same as Grok 4.6 (xAI's Grok 4.7 page as quoted by \
       Apidog, 2026-09-29) */ \
    M("xai", "grok-4.7", 500000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.50, 0, 6.00, "2026-12-02") \
    M("xai", "grok-4.6", 500000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.50, 0, 6.00, "2026-11-22") \
    M("xai", "grok-4.3", 1000000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 1.25, 0.20, 0, 2.50, "2026-11-22") \
    /* groq - groq.com/pricing and console.groq.com/docs/models, as transcribed by models.dev (dates = its access dates) */ \
    M("groq", "openai/gpt-oss-120b",     131072, 65536, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.15, 0.075, 0, 0.60, "2026-05-27") \
    M("groq", "openai/gpt-oss-20b",      131072, 65536, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.075, 0.0375, 0, 0.30, "2026-05-27") \
    M("groq", "qwen/qwen3.8-27b",        131042, 16384, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.80, 0.40, 0, 4.00, "2026-08-29") \
    M("groq", "llama-3.3-70b-versatile", 131072, 32768, AILIB_CAP_TOOLS, 0.59, 0, 0, 0.79, "2026-07-02") \
    M("groq", "llama-3.1-8b-instant",    131072, 131072, AILIB_CAP_TOOLS, 0.05, 0, 0, 0.08, "2026-07-02") \
    /* qwen (DashScope international, Singapore) - alibabacloud.com/help/en/model-studio model pages, as transcribed by \
       models.dev on 2026-07-02. Tier up to 256K input; qwen3.7-plus above 256K: 2.00 / 0.20 / 2.50 / 6.00. \
       cache_write = explicit-cache creation price. */ \
    M("qwen", "qwen3.7-max",   1000000, 65536, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 2.50, 0.50, 3.125, 7.50, "2026-07-02") \
    M("qwen", "qwen3.7-plus",  1000000, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.50, 0.05, 0.625, 3.00, "2026-07-02") \
    /* qwen3.6-flash: implicit-cache read price not listed: left 0 */ \
    M("qwen", "qwen3.6-flash", 1000000, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.1875, 0, 0.234375, 1.125, "2026-07-02") \
    M("qwen", "qwen-flash",    1000000, 32768, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.05, 0, 0, 0.40, "2026-07-02") \
    /* qwen-cn (Beijing) - the same model; billed in CNY: prices not converted, left 0 */ \
    M("qwen-cn", "qwen-flash", 1000000, 32768, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* kimi (Moonshot international) - platform.kimi.ai/docs/pricing/chat-k3 and /docs/pricing/chat (USD) */ \
    /* kimi-k3.1-pro: $2.00 input, $0.20 cache read, $2.00 5-minute cache write, $10.00 output, 1,048,576 context \
       shared with output (APIYI's relay page, "rates match the official prices", tested 2026-10-25; Moonshot's \
       K3.1 Pro quickstart as summarised by Apidog, 2026-10-24). Reasoning always on. */ \
    M("kimi", "kimi-k3.1-pro",  1048576, 1048576, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.20, 2.00, 10.00, "2026-12-02") \
    /* kimi-k3: max_completion_tokens defaults to 131,072 and may go up to 1,048,576, the whole context (AIHubMix's \
       K3 guide, verified 2026-07-17; Novita lists max output 1M) */ \
    M("kimi", "kimi-k3",        1048576, 1048576, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 3.00, 0.30, 0, 15.00, "2026-12-02") \
    /* kimi-k2.7-code: text, image and video input, 262,144 context and output, always reasons (Novita's K2.7 Code \
       page; Vercel AI Gateway lists Vision (Image); Moonshot prices $0.95 / $0.19 / $4.00 as quoted by Apidog) */ \
    M("kimi", "kimi-k2.7-code", 262144, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.95, 0.19, 0, 4.00, "2026-12-02") \
    M("kimi", "kimi-k2.6",      262144, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.95, 0.16, 0, 4.00, "2026-07-02") \
    /* kimi-cn - the same model from Moonshot's China platform, billed in CNY: prices left 0 */ \
    M("kimi-cn", "kimi-k2.6",   262144, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* cohere - cohere.com/pricing and docs.cohere.com/docs/models (command rows as transcribed by models.dev; \
       embed-v4.0 text price from the pricing page at the Embed 4 launch) */ \
    M("cohere", "command-a-plus-05-2026", 128000, 64000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.50, 0, 0, 10.00, "2026-07-02") \
    M("cohere", "command-a-03-2025",      256000, 8000, AILIB_CAP_TOOLS | AILIB_CAP_JSON_SCHEMA, 2.50, 0, 0, 10.00, "2026-07-02") \
    M("cohere", "command-r7b-12-2024",    128000, 4000, AILIB_CAP_TOOLS, 0.0375, 0, 0, 0.15, "2026-07-02") \
    M("cohere", "embed-v4.0",             128000, 0, AILIB_CAP_EMBEDDING | AILIB_CAP_VISION, 0.12, 0, 0, 0, "2025-04-15") \
    /* zai (z.ai international) - docs.z.ai/guides/overview/pricing; GLM-5.3 reached the pay-per-use API 2026-08-19 \
       at GLM-5.2's price. glm-4.7-flash is free. */ \
    M("zai", "glm-5.3",       1048576, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 1.40, 0.26, 0, 4.40, "2026-11-22") \
    M("zai", "glm-5.2",       1000000, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 1.40, 0.26, 0, 4.40, "2026-11-22") \
    /* glm-4.7-flash: free */ \
    M("zai", "glm-4.7-flash", 200000, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-07-02") \
    /* zhipu (bigmodel.cn) - billed in CNY (docs.bigmodel.cn pricing); prices not converted, left 0 */ \
    M("zhipu", "glm-5.2",       1000000, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-07-02") \
    /* glm-4.7-flash: free */ \
    M("zhipu", "glm-4.7-flash", 200000, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-07-02") \
    /* perplexity - the Agent API's Sonar model "perplexity/sonar": $1 / $1 per million tokens on the Sonar price \
       list (docs.perplexity.ai pricing as transcribed by OpenCode's catalog); the Agent API adds a fee per tool \
       invocation (web_search ...). Its token rates for perplexity/sonar on the Agent API models page were not \
       read; function tools and images on it: not verified (permissive). */ \
    M("perplexity", "perplexity/sonar", 128000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION, 1.00, 0, 0, 1.00, "2026-12-02") \
    /* hosted open-weight models - each provider's pricing page as transcribed by models.dev on 2026-07-02 */ \
    M("together",  "openai/gpt-oss-120b", 131072, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0, 0, 0.60, "2026-07-02") \
    M("fireworks", "accounts/fireworks/models/gpt-oss-120b", 131072, 32768, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0.015, 0, 0.60, "2026-07-02") \
    M("cerebras",  "gpt-oss-120b",        131072, 40960, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.35, 0, 0, 0.75, "2026-07-02") \
    M("deepinfra", "openai/gpt-oss-120b", 131072, 16384, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.039, 0, 0, 0.19, "2026-07-02") \
    M("nebius",    "openai/gpt-oss-120b", 128000, 8192, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0.015, 0, 0.60, "2026-07-02") \
    /* default models of the other clouds - gpt-oss-120b's own 131,072-token context (the model card); each \
       host's price and output limit not verified in this review (0) */ \
    M("huggingface", "openai/gpt-oss-120b",  131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("sambanova",   "gpt-oss-120b",         131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("novita",      "openai/gpt-oss-120b",  131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("nvidia",      "openai/gpt-oss-120b",  131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("cloudflare",  "@cf/openai/gpt-oss-120b", 131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("baseten",     "openai/gpt-oss-120b",  131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("databricks",  "databricks-gpt-oss-120b", 131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* ollama-cloud - Ollama's hosted gpt-oss:120b, billed by subscription (no per-token price) */ \
    M("ollama-cloud", "gpt-oss:120b",         131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* ovhcloud - gpt-oss-120b, 131K context, $0.09 / $0.47 (OVHcloud catalog as transcribed by mastra.ai) */ \
    M("ovhcloud",    "gpt-oss-120b",         131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.09, 0, 0, 0.47, "2026-12-02") \
    /* gateways bill the upstream provider's price: the row only carries the model's own limits and caps */ \
    M("openrouter", "openai/gpt-6-luna",  1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("vercel",     "openai/gpt-6-luna",  1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("cloudflare-gateway", "openai/gpt-6-luna", 1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("requesty",   "openai/gpt-4o-mini", 128000, 16384, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("helicone",   "gpt-4o-mini",        128000, 16384, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* github - GitHub Models: free within its rate limits; paid use not priced here */ \
    M("github", "openai/gpt-4.1-mini", 1047576, 32768, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* minimax - MiniMax-M3 (launched 2026-06-01): 1M context; the $0.30 / $0.06 / $1.20 rates were a 7-day 50% launch \
       promotion, the standard rate (<=512K input) is $0.60 / cache read $0.12 / $2.40, above 512K the whole request \
       bills 2x (MiniMax's launch post as tabulated by aiunpacker.com and wavespeed.ai). Max output is not published \
       ("Not specified": B.AI's model page): 0. */ \
    M("minimax",    "MiniMax-M3", 1000000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.60, 0.12, 0, 2.40, "2026-12-02") \
    /* minimax-cn - the same model on MiniMax's China platform, billed in CNY: prices left 0 */ \
    M("minimax-cn", "MiniMax-M3", 1000000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* default models of the Chinese clouds: limits and prices (mostly CNY) not verified in this review (0); caps \
       permissive where the docs are silent */ \
    M("qianfan",  "ernie-5.1",                   0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("hunyuan",  "hunyuan-turbos-latest",       0, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("spark",    "generalv3.5",                 0, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    M("doubao",   "doubao-seed-2-0-pro-260215",  0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("byteplus", "seed-2-0-lite-260428",        0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("stepfun",  "step-3.7-flash",              0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("baichuan", "Baichuan4-Turbo",             0, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    /* Qwen3-8B: the model card's 32,768 native context; hybrid thinking (siliconflow: price not verified) */ \
    M("siliconflow",    "Qwen/Qwen3-8B", 32768, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("siliconflow-cn", "Qwen/Qwen3-8B", 32768, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("modelscope",     "Qwen/Qwen3-32B", 32768, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* llama - Meta's Llama API: Llama 4 Maverick takes images; limits and price not verified (0) */ \
    M("llama", "Llama-4-Maverick-17B-128E-Instruct-FP8", 0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* defaults of the newer clouds: limits from their pages where given, prices not verified (0) unless stated */ \
    M("friendli",    "meta-llama-3.1-8b-instruct",                131072, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    M("hyperbolic",  "Qwen/Qwen2.5-72B-Instruct",                 131072, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    M("nscale",      "meta-llama/Llama-4-Scout-17B-16E-Instruct", 0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION, 0, 0, 0, 0, "2026-12-02") \
    M("featherless", "Qwen/Qwen2.5-7B-Instruct",                  32768, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    /* parasail - Llama 3.3 70B (131072 context) in FP8: $0.28 in / $0.78 out (lava.so's Parasail page, 2026-12-02) */ \
    M("parasail",    "parasail-llama-33-70b-fp8",                 131072, 0, AILIB_CAP_TOOLS, 0.28, 0, 0, 0.78, "2026-12-02") \
    /* chutes: context 40K on chutes.ai's live catalog (checked 2026-06-25 there) */ \
    M("chutes",      "Qwen/Qwen3-32B-TEE",                        40960, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    /* scaleway: 128K context, EUR prices quoted as $0.15 / $0.35 by mastra.ai's Scaleway page */ \
    M("scaleway",    "mistral-small-3.2-24b-instruct-2506",       128000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.15, 0, 0, 0.35, "2026-12-02") \
    /* venice: gemini-3-6-flash, 1M context, 64K output, $0.9375 / $4.69 (docs.venice.ai model page) */ \
    M("venice",      "gemini-3-6-flash",                          1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.9375, 0, 0, 4.69, "2026-12-02") \
    /* inception: Mercury 3, 1,000,000 context, 131,072 output, $0.10 / $0.35 (Vercel AI Gateway's Mercury 3 page, \
       provider inception; Venice lists the same rates) */ \
    M("inception",   "mercury-3",                                 1000000, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.10, 0, 0, 0.35, "2026-12-02") \
    /* xiaomi: mimo-v2-flash 262,144 context, 8,192 output, no reasoning (OpenClaw's Xiaomi catalog) */ \
    M("xiaomi",      "mimo-v2-flash",                             262144, 8192, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    M("sarvam",      "sarvam-105b",                               0, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* ai21: Jamba's 256K context (AWS Bedrock and Vertex Jamba pages) */ \
    M("ai21",        "jamba-mini",                                256000, 0, AILIB_CAP_TOOLS | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    /* embeddings: voyage-3.5 32K-token inputs (Graphiti's Voyage page); jina-embeddings-v4 32,768 tokens, text and \
       images (qdrant.tech); prices not verified (0) */ \
    M("voyage",      "voyage-3.5",                                32000, 0, AILIB_CAP_EMBEDDING, 0, 0, 0, 0, "2026-12-02") \
    M("jina",        "jina-embeddings-v4",                        32768, 0, AILIB_CAP_EMBEDDING | AILIB_CAP_VISION, 0, 0, 0, 0, "2026-12-02") \
    /* bedrock - Amazon Nova Micro through a US cross-region inference profile, 128K context; AWS's Nova docs were not \
       re-read in this review: caps left permissive (images are refused by Bedrock, not by the catalog), price 0 */ \
    M("bedrock", "us.amazon.nova-micro-v1:0", 128000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION, 0, 0, 0, 0, "2026-12-02") \
    /* ollama - local models cost nothing (0 = free) */ \
    M("ollama", "llama3.2",         131072, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-11-22") \
    M("ollama", "nomic-embed-text", 8192, 0, AILIB_CAP_EMBEDDING, 0, 0, 0, 0, "2026-11-22") \
    /* local servers and self-run gateways: free (0); the served model is whatever was loaded, so limits are \
       unknown (0) and caps permissive: the catalog cannot refuse what the server may well do */ \
    M("lmstudio",   "openai/gpt-oss-20b", 131072, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("vllm",       "Qwen/Qwen3-8B",      32768, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-12-02") \
    M("llamacpp",   "default",            0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0, 0, 0, 0, "2026-12-02") \
    M("docker",     "ai/smollm2",         0, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-12-02") \
    M("llamafile",  "LLaMA_CPP",          0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("xinference", "qwen2.5-instruct",   0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0, 0, 0, 0, "2026-12-02") \
    M("litellm",    "gpt-4o-mini",        0, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0, 0, 0, 0, "2026-12-02")

/* X(provider, model, free, cache_write_1h, long_above, long_input, long_cached_input, long_cache_write, long_output) */
#define AILIB_PRICE_ROWS(X) \
    /* openai - the pricing page's Standard tier is for prompts <= 272K tokens; longer prompts bill input and \
       cache x2, output x1.5 (the section comment above); gpt-4.1-mini and gpt-4o-mini have one tier */ \
    X("openai", "gpt-6.2-astra", 0, 0, 272000, 16.00, 0.80, 20.00, 60.00) \
    X("openai", "gpt-6.2-sol",   0, 0, 272000, 4.00, 0.20, 5.00, 15.00) \
    X("openai", "gpt-6.1-sol",   0, 0, 272000, 4.00, 0.20, 5.00, 15.00) \
    X("openai", "gpt-6-astra",   0, 0, 272000, 20.00, 2.00, 25.00, 75.00) \
    X("openai", "gpt-6-sol",     0, 0, 272000, 4.00, 0.40, 5.00, 15.00) \
    X("openai", "gpt-6-luna",    0, 0, 272000, 0.20, 0.02, 0.25, 0.75) \
    /* anthropic - platform.claude.com pricing: 1-hour cache writes cost 2 x base input (5-minute writes \
       1.25 x, in the model rows); Haiku 5.5 bills prompts over 100K at 0.50 / 0.05 / 0.625 / 2.50 */ \
    X("anthropic", "claude-fable-5-1",  0, 20.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-opus-5-5",   0, 8.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-opus-5",     0, 10.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-sonnet-5-5", 0, 4.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-sonnet-5",   0, 4.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-haiku-5-5",  0, 0.20, 100000, 0.50, 0.05, 0.625, 2.50) \
    X("anthropic", "claude-haiku-4-5",  0, 2.00, 0, 0, 0, 0, 0) \
    X("anthropic", "claude-sonnet-4-5", 0, 6.00, 0, 0, 0, 0, 0) \
    /* gemini - Pro prompts over 200K bill 4.00 / 18.00 (cached price not found: the long tier keeps 0) */ \
    X("gemini", "gemini-3.1-pro-preview", 0, 0, 200000, 4.00, 0, 0, 18.00) \
    /* xai - prompts over ~200K tokens bill input x2 (only input is said to change) */ \
    X("xai", "grok-4.7", 0, 0, 200000, 4.00, 0, 0, 0) \
    X("xai", "grok-4.6", 0, 0, 200000, 4.00, 0, 0, 0) \
    X("xai", "grok-4.3", 0, 0, 200000, 2.50, 0, 0, 0) \
    /* qwen - qwen3.7-plus above 256K input tokens; minimax - MiniMax-M3 above 512K */ \
    X("qwen", "qwen3.7-plus", 0, 0, 256000, 2.00, 0.20, 2.50, 6.00) \
    X("minimax", "MiniMax-M3", 0, 0, 512000, 1.20, 0.24, 0, 4.80) \
    /* free models (their model rows' zeros mean free, not unknown) */ \
    X("zai", "glm-4.7-flash", 1, 0, 0, 0, 0, 0, 0) \
    X("zhipu", "glm-4.7-flash", 1, 0, 0, 0, 0, 0, 0) \
    X("ollama", "llama3.2", 1, 0, 0, 0, 0, 0, 0) \
    X("ollama", "nomic-embed-text", 1, 0, 0, 0, 0, 0, 0)

/* B(provider, factor): the asynchronous batch APIs bill half the standard price - OpenAI Batch API
   (platform pricing page, "Batch"), Anthropic Message Batches (pricing page, "Batch processing"),
   Gemini Batch Mode (ai.google.dev batch-mode page), Mistral batch inference (docs.mistral.ai) */
#define AILIB_BATCH_ROWS(B) \
    B("openai", 0.5) \
    B("openai-responses", 0.5) \
    B("anthropic", 0.5) \
    B("gemini", 0.5) \
    B("mistral", 0.5)

/* A(provider, priced_as): a provider that serves another row's models at that row's prices */
#define AILIB_PRICE_ALIAS_ROWS(A) \
    A("openai-responses", "openai")

#endif /* AILIB_PROVIDERS_H_INCLUDED */
