/* ailib_providers.h - provider and model catalog of ailib, as data.

   Two X-macro tables, expanded by ailib.h (section >>catalog) into ailib_provider_info and
   ailib_model_info arrays. Adding an OpenAI-compatible vendor is one P(...) row; adding a model is
   one M(...) row. Nothing here is code: no includes, no declarations.

   Provider rows  P(name, protocol, base_url, auth, api_key_env, base_url_env, default_model, quirks)
     name          lowercase id users type in "provider/model" strings; stable, never reused.
     base_url      no trailing slash; the adapter appends "/chat/completions", "/messages",
                   "/models/{m}:generateContent", "/api/chat" or "/chat". "{ENV_VAR}" placeholders
                   are replaced from the environment when a client is created.
     auth          AILIB_AUTH_NONE means "no key needed"; if api_key_env is set anyway the key is
                   optional and sent as Bearer when present (local servers, proxies).
     api_key_env   the name(s) the provider's own SDK/docs use; several names are separated by one
                   space and the first one that is set wins. NULL: no key at all.
     base_url_env  overrides base_url (OLLAMA_HOST follows the ollama CLI convention).
     default_model a current, generally available, low-cost chat model (or, for azure, the usual
                   deployment name; for local servers, a commonly served id).
     quirks        AILIB_Q_* dialect flags, taken from the providers' API references; 0 when the
                   plain OpenAI dialect applies.

   Model rows  M(provider, model, context_window, max_output, caps, price_input,
                 price_cached_input, price_cache_write, price_output, price_date)
     model         the id as the provider's API spells it. Lookup is exact first, then the longest
                   catalog name that prefixes the requested one, within the same provider.
     tokens        context window and maximum output tokens; 0 = not published / unknown.
     prices        USD per million tokens, standard (non-batch) tier, short-context tier where the
                   provider bills long prompts higher. cache_write is a separate cache-creation price
                   (Anthropic: the 5-minute write); 0 when there is none. A row whose prices are all 0
                   is free or unknown: its comment says which.
     price_date    the date the price was read: 2026-11-22 for prices confirmed on that day through
                   the providers' pages (or pages quoting them); otherwise the date the source states.
   Prices change; ailib's cost feature lets callers override them from code and the environment.

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
    P("azure",        AILIB_PROTOCOL_OPENAI_CHAT, "{AZURE_OPENAI_ENDPOINT}/openai/v1", AILIB_AUTH_API_KEY_HEADER, "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_BASE_URL", "gpt-6-luna", \
      AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT) \
    P("anthropic",    AILIB_PROTOCOL_ANTHROPIC,   "https://api.anthropic.com/v1", AILIB_AUTH_X_API_KEY, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "claude-haiku-5-5", 0) \
    P("gemini",       AILIB_PROTOCOL_GEMINI,      "https://generativelanguage.googleapis.com/v1beta", AILIB_AUTH_GOOG_API_KEY, "GEMINI_API_KEY GOOGLE_API_KEY", "GEMINI_BASE_URL", \
      "gemini-3.5-flash-lite", 0) \
    P("cohere",       AILIB_PROTOCOL_COHERE,      "https://api.cohere.com/v2", AILIB_AUTH_BEARER, "CO_API_KEY COHERE_API_KEY", "COHERE_BASE_URL", "command-a-plus-05-2026", 0) \
    P("openai-responses", AILIB_PROTOCOL_OPENAI_RESPONSES, "https://api.openai.com/v1", AILIB_AUTH_BEARER, "OPENAI_API_KEY", "OPENAI_BASE_URL", \
      "gpt-6-luna", AILIB_Q_REASONING_EFFORT) \
    /* Bedrock API keys (Bearer); SigV4-signed credentials are not supported */ \
    P("bedrock",      AILIB_PROTOCOL_BEDROCK,     "https://bedrock-runtime.{AWS_REGION}.amazonaws.com", AILIB_AUTH_BEARER, \
      "AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_BASE_URL", "us.amazon.nova-micro-v1:0", 0) \
    P("ollama",       AILIB_PROTOCOL_OLLAMA,      "http://localhost:11434", AILIB_AUTH_NONE, "OLLAMA_API_KEY", "OLLAMA_HOST", "llama3.2", 0) \
    P("ollama-cloud", AILIB_PROTOCOL_OLLAMA,      "https://ollama.com", AILIB_AUTH_BEARER, "OLLAMA_API_KEY", "OLLAMA_CLOUD_BASE_URL", "gpt-oss:120b", 0) \
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
    P("kimi",         AILIB_PROTOCOL_OPENAI_CHAT, "https://api.moonshot.ai/v1", AILIB_AUTH_BEARER, "MOONSHOT_API_KEY", "MOONSHOT_BASE_URL", "kimi-k2.6", \
      AILIB_Q_ECHO_REASONING | AILIB_Q_THINKING_TYPE) \
    P("kimi-cn",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.moonshot.cn/v1", AILIB_AUTH_BEARER, "MOONSHOT_API_KEY", "MOONSHOT_CN_BASE_URL", "kimi-k2.6", \
      AILIB_Q_ECHO_REASONING | AILIB_Q_THINKING_TYPE) \
    P("xai",          AILIB_PROTOCOL_OPENAI_CHAT, "https://api.x.ai/v1", AILIB_AUTH_BEARER, "XAI_API_KEY", "XAI_BASE_URL", "grok-4.3", AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT) \
    P("openrouter",   AILIB_PROTOCOL_OPENAI_CHAT, "https://openrouter.ai/api/v1", AILIB_AUTH_BEARER, "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "openai/gpt-6-luna", \
      AILIB_Q_REASONING_OBJECT | AILIB_Q_STREAM_OPTIONS) \
    P("qianfan",      AILIB_PROTOCOL_OPENAI_CHAT, "https://qianfan.baidubce.com/v2", AILIB_AUTH_BEARER, "QIANFAN_API_KEY", "QIANFAN_BASE_URL", "ernie-5.1", AILIB_Q_STREAM_OPTIONS) \
    P("hunyuan",      AILIB_PROTOCOL_OPENAI_CHAT, "https://api.hunyuan.cloud.tencent.com/v1", AILIB_AUTH_BEARER, "HUNYUAN_API_KEY", "HUNYUAN_BASE_URL", "hunyuan-turbos-latest", \
      AILIB_Q_STREAM_OPTIONS) \
    P("spark",        AILIB_PROTOCOL_OPENAI_CHAT, "https://spark-api-open.xf-yun.com/v1", AILIB_AUTH_BEARER, "SPARK_API_PASSWORD", "SPARK_BASE_URL", "generalv3.5", AILIB_Q_BODY_ERROR_CODE) \
    P("zhipu",        AILIB_PROTOCOL_OPENAI_CHAT, "https://open.bigmodel.cn/api/paas/v4", AILIB_AUTH_BEARER, "ZHIPUAI_API_KEY ZHIPU_API_KEY", "ZHIPU_BASE_URL", "glm-4.7-flash", \
      AILIB_Q_THINKING_TYPE) \
    P("zai",          AILIB_PROTOCOL_OPENAI_CHAT, "https://api.z.ai/api/paas/v4", AILIB_AUTH_BEARER, "ZAI_API_KEY", "ZAI_BASE_URL", "glm-4.7-flash", AILIB_Q_THINKING_TYPE) \
    P("doubao",       AILIB_PROTOCOL_OPENAI_CHAT, "https://ark.cn-beijing.volces.com/api/v3", AILIB_AUTH_BEARER, "ARK_API_KEY", "ARK_BASE_URL", "doubao-seed-2-0-pro-260215", \
      AILIB_Q_STREAM_OPTIONS | AILIB_Q_THINKING_TYPE) \
    P("together",     AILIB_PROTOCOL_OPENAI_CHAT, "https://api.together.xyz/v1", AILIB_AUTH_BEARER, "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "openai/gpt-oss-120b", AILIB_Q_THINK_TAGS) \
    P("fireworks",    AILIB_PROTOCOL_OPENAI_CHAT, "https://api.fireworks.ai/inference/v1", AILIB_AUTH_BEARER, "FIREWORKS_API_KEY", "FIREWORKS_BASE_URL", \
      "accounts/fireworks/models/gpt-oss-120b", AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT | AILIB_Q_THINK_TAGS) \
    P("huggingface",  AILIB_PROTOCOL_OPENAI_CHAT, "https://router.huggingface.co/v1", AILIB_AUTH_BEARER, "HF_TOKEN HUGGING_FACE_HUB_TOKEN", "HF_BASE_URL", "openai/gpt-oss-120b", \
      AILIB_Q_THINK_TAGS | AILIB_Q_REASONING_EFFORT) \
    P("perplexity",   AILIB_PROTOCOL_OPENAI_CHAT, "https://api.perplexity.ai", AILIB_AUTH_BEARER, "PERPLEXITY_API_KEY PPLX_API_KEY", "PERPLEXITY_BASE_URL", "sonar", AILIB_Q_THINK_TAGS) \
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
    /* --- local servers: no key needed; a key set in the named variable is sent as Bearer --- */ \
    P("lmstudio",     AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:1234/v1", AILIB_AUTH_NONE, "LMSTUDIO_API_KEY", "LMSTUDIO_BASE_URL", "openai/gpt-oss-20b", 0) \
    P("vllm",         AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:8000/v1", AILIB_AUTH_NONE, "VLLM_API_KEY", "VLLM_BASE_URL", "Qwen/Qwen3-8B", AILIB_Q_STREAM_OPTIONS) \
    P("llamacpp",     AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:8080/v1", AILIB_AUTH_NONE, "LLAMACPP_API_KEY", "LLAMACPP_BASE_URL", "default", 0)

/* M(provider, model, context_window, max_output, caps, price_input, price_cached_input, price_cache_write, price_output, price_date) */
#define AILIB_MODEL_ROWS(M) \
    /* openai - developers.openai.com/api/docs/models/<id> and /api/docs/pricing (Standard tier, <=272K input; \
       longer prompts bill input/cache x2, output x1.5). GPT-6 Sol/Luna on Chat Completions call tools only with \
       reasoning_effort "none"; GPT-6.1+ Sol and 6.2 Astra reject "none". */ \
    /* gpt-6.2-astra: cached input derived from "60% below GPT-6 Astra's $1" (LiteLLM); cache-write price not found: 0 */ \
    M("openai", "gpt-6.2-astra", 1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 8.00, 0.40, 0, 40.00, "2026-11-22") \
    M("openai", "gpt-6.2-sol",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.10, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6.1-sol",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.10, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6-astra",   1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 10.00, 1.00, 12.50, 50.00, "2026-11-22") \
    M("openai", "gpt-6-sol",     1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0.20, 2.50, 10.00, "2026-11-22") \
    M("openai", "gpt-6-luna",    1050000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.10, 0.01, 0.125, 0.50, "2026-11-22") \
    M("openai", "gpt-4.1-mini",  1047576, 32768, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.40, 0.10, 0, 1.60, "2026-07-02") \
    M("openai", "gpt-4o-mini",   128000, 16384, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA, 0.15, 0.075, 0, 0.60, "2026-07-02") \
    M("openai", "text-embedding-3-small", 8191, 0, AILIB_CAP_EMBEDDING, 0.02, 0, 0, 0, "2026-07-02") \
    M("openai", "text-embedding-3-large", 8191, 0, AILIB_CAP_EMBEDDING, 0.13, 0, 0, 0, "2026-07-02") \
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
    /* gemini - ai.google.dev/gemini-api/docs/pricing (paid tier) and models/<id>; what's-new-gemini-3.6 page. \
       3.8 Flash: promotional 0.75 / 3.75 through 2026-12-31, then 1.50 / 7.50. Pro: prompts > 200K bill 4.00 / 18.00. */ \
    M("gemini", "gemini-3.8-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.75, 0.075, 0, 3.75, "2026-11-22") \
    M("gemini", "gemini-3.6-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 1.50, 0.15, 0, 7.50, "2026-11-22") \
    M("gemini", "gemini-3.5-flash-lite", 1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.30, 0.03, 0, 2.50, "2026-11-22") \
    /* gemini-3.1-pro-preview: cached-input price not found: left 0 */ \
    M("gemini", "gemini-3.1-pro-preview", 1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 2.00, 0, 0, 12.00, "2026-10-07") \
    /* gemini-2.5-flash: input from the pricing page, output from the long-standing list price, cached not found (0) */ \
    M("gemini", "gemini-2.5-flash",      1048576, 65536, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO, 0.30, 0, 0, 2.50, "2026-10-07") \
    M("gemini", "gemini-embedding-2",    8192, 0, AILIB_CAP_EMBEDDING, 0.20, 0, 0, 0, "2026-10-07") \
    M("gemini", "gemini-embedding-001",  2048, 0, AILIB_CAP_EMBEDDING, 0.15, 0, 0, 0, "2025-07-14") \
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
    /* grok-4.7: cached-input price not stated on its model page: left 0 */ \
    M("xai", "grok-4.7", 500000, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 2.00, 0, 0, 6.00, "2026-11-22") \
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
    /* kimi (Moonshot international) - platform.kimi.ai/docs/pricing/chat-k3 and /docs/pricing/chat (USD) */ \
    /* kimi-k3.1-pro: released 2026-10-24; API price not found: left 0 */ \
    M("kimi", "kimi-k3.1-pro",  1048576, 0, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0, 0, 0, 0, "2026-11-22") \
    M("kimi", "kimi-k3",        1048576, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 3.00, 0.30, 0, 15.00, "2026-11-22") \
    M("kimi", "kimi-k2.7-code", 262144, 0, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.95, 0.19, 0, 4.00, "2026-07-02") \
    M("kimi", "kimi-k2.6",      262144, 262144, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA, 0.95, 0.16, 0, 4.00, "2026-07-02") \
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
    /* perplexity - docs.perplexity.ai pricing, as transcribed by models.dev (token prices only; request fees extra). \
       No tool calling. */ \
    M("perplexity", "sonar",               128000, 4096, 0, 1.00, 0, 0, 1.00, "2026-07-02") \
    M("perplexity", "sonar-pro",           200000, 8192, AILIB_CAP_VISION, 3.00, 0, 0, 15.00, "2026-07-02") \
    M("perplexity", "sonar-reasoning-pro", 128000, 4096, AILIB_CAP_VISION | AILIB_CAP_REASONING, 2.00, 0, 0, 8.00, "2026-07-02") \
    /* hosted open-weight models - each provider's pricing page as transcribed by models.dev on 2026-07-02 */ \
    M("together",  "openai/gpt-oss-120b", 131072, 131072, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0, 0, 0.60, "2026-07-02") \
    M("fireworks", "accounts/fireworks/models/gpt-oss-120b", 131072, 32768, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0.015, 0, 0.60, "2026-07-02") \
    M("cerebras",  "gpt-oss-120b",        131072, 40960, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.35, 0, 0, 0.75, "2026-07-02") \
    M("deepinfra", "openai/gpt-oss-120b", 131072, 16384, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.039, 0, 0, 0.19, "2026-07-02") \
    M("nebius",    "openai/gpt-oss-120b", 128000, 8192, AILIB_CAP_TOOLS | AILIB_CAP_REASONING, 0.15, 0.015, 0, 0.60, "2026-07-02") \
    /* minimax - platform.minimax.io pricing as transcribed by models.dev; prompts up to 512K (above: 0.60/0.12/2.40) */ \
    M("minimax", "MiniMax-M3", 1000000, 128000, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING, 0.30, 0.06, 0, 1.20, "2026-07-02") \
    /* ollama - local models cost nothing (0 = free) */ \
    M("ollama", "llama3.2",         131072, 0, AILIB_CAP_TOOLS, 0, 0, 0, 0, "2026-11-22") \
    M("ollama", "nomic-embed-text", 8192, 0, AILIB_CAP_EMBEDDING, 0, 0, 0, 0, "2026-11-22")

/* X(provider, model, free, cache_write_1h, long_above, long_input, long_cached_input, long_cache_write, long_output) */
#define AILIB_PRICE_ROWS(X) \
    /* openai - the pricing page's Standard tier is for prompts <= 272K tokens; longer prompts bill input and \
       cache x2, output x1.5 (the section comment above); gpt-4.1-mini and gpt-4o-mini have one tier */ \
    X("openai", "gpt-6.2-astra", 0, 0, 272000, 16.00, 0.80, 0, 60.00) \
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
    X("minimax", "MiniMax-M3", 0, 0, 512000, 0.60, 0.12, 0, 2.40) \
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
