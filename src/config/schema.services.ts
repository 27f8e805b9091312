import { WEB, baseUrl, custom, int, optionalBool, optionalText, text, url } from './settings';

/** The settings of the services outside the app: S3, Kakao and Naver login, SENS texts. */

export const S3 = {
  bucket: optionalText('S3_BUCKET', 'S3 bucket of uploaded images; unset = files in DATA_DIR'),
  region: text('S3_REGION', 'ap-northeast-2', 'region of the bucket'),
  endpoint: url('S3_ENDPOINT', WEB, 'S3-compatible endpoint (MinIO, R2, …); unset for AWS'),
  accessKeyId: optionalText('S3_ACCESS_KEY_ID', "unset = the AWS SDK's default chain"),
  secretAccessKey: optionalText('S3_SECRET_ACCESS_KEY', 'set with S3_ACCESS_KEY_ID'),
};

/** Read only when a bucket is set. */
export const S3_CLIENT = {
  forcePathStyle: optionalBool(
    'S3_FORCE_PATH_STYLE',
    'bucket in the path; default: true with S3_ENDPOINT',
  ),
  timeoutMs: int('S3_TIMEOUT_MS', 10_000, [100, 120_000], 'longest wait for S3, per try (ms)'),
};

export const KAKAO = {
  clientId: optionalText('KAKAO_CLIENT_ID', 'Kakao REST key (with KAKAO_REDIRECT_URI)'),
  clientSecret: optionalText('KAKAO_CLIENT_SECRET', 'only if enabled in the Kakao console'),
  redirectUri: url('KAKAO_REDIRECT_URI', WEB, "the SPA's /kakao page, registered with Kakao"),
};

export const NAVER = {
  clientId: optionalText('NAVER_CLIENT_ID', 'Naver client id (with secret and redirect URI)'),
  clientSecret: optionalText('NAVER_CLIENT_SECRET', 'Naver client secret'),
  redirectUri: url('NAVER_REDIRECT_URI', WEB, "the SPA's /naver page, registered with Naver"),
  state: text('NAVER_STATE', 'erunjrun', 'the state the SPA sends; others are refused'),
};

export const OAUTH = {
  timeoutMs: int('OAUTH_TIMEOUT_MS', 5000, [100, 60000], 'longest wait for a provider (ms)'),
};

export const SENS = {
  baseUrl: baseUrl('SENS_BASE_URL', 'https://sens.apigw.ntruss.com', 'SENS API base URL'),
  serviceId: optionalText('SENS_SERVICE_ID', 'SENS service id; all four SENS_* keys, or none'),
  accessKey: optionalText('SENS_ACCESS_KEY', 'SENS access key'),
  secretKey: optionalText('SENS_SECRET_KEY', 'SENS secret key (signs the requests)'),
  from: custom<string | null>(
    'SENS_FROM',
    null,
    'registered sender number, digits only',
    (value, r) => {
      if (!/^\d{8,12}$/.test(value)) {
        r.problem('SENS_FROM must be the registered sender number, digits only');
      }
      return value;
    },
  ),
};

export const SMS = {
  timeoutMs: int('SMS_TIMEOUT_MS', 5000, [100, 60000], 'longest wait for SENS (ms)'),
};
